import { Hono } from "hono";
import type { AppEnv } from "../http/env";

export const files = new Hono<AppEnv>();
