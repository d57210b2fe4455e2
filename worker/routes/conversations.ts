import { Hono } from "hono";
import type { AppEnv } from "../http/env";

export const conversations = new Hono<AppEnv>();
