/** When this build was made (ISO time), set by vite.config.ts `define`. */
declare const __BUILD_ID__: string;
