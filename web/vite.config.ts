import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const daemon = process.env.AGOR_URL ?? 'http://127.0.0.1:3030';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '^/(?!src|@|node_modules).+': { target: daemon, ws: true } } },
});
