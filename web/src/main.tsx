import { render } from "preact";
import { App } from "./app";
import { getLang } from "./i18n";
import { registerServiceWorker } from "./pwa/register";
import { applyTheme, getTheme } from "./settings/theme";
import "./styles.css";

document.documentElement.lang = getLang();
applyTheme(getTheme());
const root = document.getElementById("app");
if (root) render(<App />, root);
registerServiceWorker();
