CREATE TABLE "home_visitors" (
	"team_id" text NOT NULL,
	"user_id" text NOT NULL,
	"first_opened_at" timestamp with time zone NOT NULL,
	CONSTRAINT "home_visitors_team_id_user_id_pk" PRIMARY KEY("team_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "permalink" text;