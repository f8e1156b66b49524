import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './daemon/src/store/schema.ts',
  out: './daemon/migrations',
});
