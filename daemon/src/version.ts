/** The daemon's version, reported by /health and in OpenAPI. */
export const VERSION = '0.1.0';
