CREATE TABLE "oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"install_options" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
