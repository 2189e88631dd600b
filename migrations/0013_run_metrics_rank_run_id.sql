DROP INDEX "run_metrics_rank";--> statement-breakpoint
CREATE INDEX "run_metrics_rank" ON "run_metrics" USING btree ("project_id","name","value","run_id");