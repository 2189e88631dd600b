ALTER TABLE "gates" DROP COLUMN "message_dirty";--> statement-breakpoint
ALTER TABLE "gates" DROP COLUMN "last_render_at";