CREATE TABLE "mlflow_deliveries" (
	"delivery_id" text PRIMARY KEY NOT NULL,
	"hook_id" bigint NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mlflow_hooks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"project_id" bigint NOT NULL,
	"public_id" text NOT NULL,
	"secret" text NOT NULL,
	"model_name" text NOT NULL,
	"alias" text NOT NULL,
	"tracking_url" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mlflow_versions" (
	"hook_id" bigint NOT NULL,
	"model_name" text NOT NULL,
	"version" text NOT NULL,
	"root_outbox_id" bigint NOT NULL,
	"gate_id" bigint,
	CONSTRAINT "mlflow_versions_hook_id_model_name_version_pk" PRIMARY KEY("hook_id","model_name","version")
);
--> statement-breakpoint
ALTER TABLE "mlflow_deliveries" ADD CONSTRAINT "mlflow_deliveries_hook_id_mlflow_hooks_id_fk" FOREIGN KEY ("hook_id") REFERENCES "public"."mlflow_hooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mlflow_hooks" ADD CONSTRAINT "mlflow_hooks_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mlflow_versions" ADD CONSTRAINT "mlflow_versions_hook_id_mlflow_hooks_id_fk" FOREIGN KEY ("hook_id") REFERENCES "public"."mlflow_hooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mlflow_versions" ADD CONSTRAINT "mlflow_versions_gate_id_gates_id_fk" FOREIGN KEY ("gate_id") REFERENCES "public"."gates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mlflow_hooks_public_id" ON "mlflow_hooks" USING btree ("public_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mlflow_hooks_project" ON "mlflow_hooks" USING btree ("project_id");