import { Hono } from "hono";
import type { AppEnv } from "../http/env";

export const me = new Hono<AppEnv>();
