// Conditions on a pair of users, either direction, shared by the friendship,
// request and block queries so each is written once.
import { and, eq, or, type SQL } from "drizzle-orm";
import { blocks, friendRequests, friendships } from "./schema";

/** `a` blocked `b` or `b` blocked `a`. */
export const blockedEitherWay = (a: string, b: string): SQL | undefined =>
  or(and(eq(blocks.blockerId, a), eq(blocks.blockedId, b)), and(eq(blocks.blockerId, b), eq(blocks.blockedId, a)));

/** Either direction of the friendship rows between `a` and `b`. */
export const friendshipEitherWay = (a: string, b: string): SQL | undefined =>
  or(
    and(eq(friendships.userId, a), eq(friendships.friendId, b)),
    and(eq(friendships.userId, b), eq(friendships.friendId, a)),
  );

/** A friend request from `a` to `b` or from `b` to `a`. */
export const requestEitherWay = (a: string, b: string): SQL | undefined =>
  or(
    and(eq(friendRequests.fromId, a), eq(friendRequests.toId, b)),
    and(eq(friendRequests.fromId, b), eq(friendRequests.toId, a)),
  );
