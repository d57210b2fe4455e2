// Valibot schemas for the users/friends/blocks routes.
import * as v from "valibot";
import { safeName, username } from "../http/validate";
import { Limits } from "../protocol";

/** Ids are opaque; this only bounds them so junk never reaches a query. */
export const Id = v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(64, "too long"));

export const IdParam = v.object({ id: Id });
export const UserIdParam = v.object({ userId: Id });

export const SearchQuery = v.object({
  q: v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(Limits.usernameMax, "too long")),
});

export const SendRequestBody = v.pipe(
  v.object({
    userId: v.optional(Id),
    username: v.optional(username),
    message: v.optional(
      v.pipe(
        v.string(),
        v.maxLength(Limits.requestMessageMax, `at most ${Limits.requestMessageMax} characters`),
        safeName,
      ),
    ),
  }),
  v.check((b) => (b.userId === undefined) !== (b.username === undefined), "send exactly one of userId or username"),
);
