ALTER TABLE `conversations` ADD `member_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Backfill once from the index rows; from here on the object writes it with every membership version.
UPDATE `conversations` SET `member_count` = (SELECT count(*) FROM `members` WHERE `members`.`conversation_id` = `conversations`.`id`);
