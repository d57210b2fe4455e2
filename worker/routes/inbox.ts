import { Hono } from "hono";
import type { AppEnv } from "../http/env";

export const inbox = new Hono<AppEnv>();
