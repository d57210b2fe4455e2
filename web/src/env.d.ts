/** When this build was made (ISO time), set by vite.config.ts `define`. */
/** package.json's version, for people ("0.1.0"). */
declare const __APP_VERSION__: string;
/** When this build was made (ms since the epoch), shown as a date in the reader's language. */
declare const __BUILD_TIME__: number;
