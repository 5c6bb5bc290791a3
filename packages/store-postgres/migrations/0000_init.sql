CREATE TABLE "channel_heads" (
	"room" "bytea" NOT NULL,
	"channel" "bytea" NOT NULL,
	"device" "bytea" NOT NULL,
	"contiguous" bigint NOT NULL,
	CONSTRAINT "channel_heads_pkey" PRIMARY KEY("room","channel","device")
);
--> statement-breakpoint
CREATE TABLE "objects" (
	"room" "bytea" NOT NULL,
	"id" "bytea" NOT NULL,
	"type" smallint NOT NULL,
	"channel" "bytea",
	"device" "bytea",
	"seq" bigint,
	"lamport" bigint,
	"account" "bytea",
	"bytes" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"received_at" bigint NOT NULL,
	"f0" bigint NOT NULL,
	"f1" bigint NOT NULL,
	"f2" bigint NOT NULL,
	"f3" bigint NOT NULL,
	CONSTRAINT "objects_pkey" PRIMARY KEY("room","id")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" "bytea" PRIMARY KEY NOT NULL,
	"position" bigserial NOT NULL,
	"room" "bytea" NOT NULL,
	"type" smallint NOT NULL,
	"channel" "bytea",
	"device" "bytea",
	"seq" bigint,
	"lamport" bigint,
	"account" "bytea",
	"bytes" "bytea" NOT NULL,
	"received_at" bigint NOT NULL,
	"targets" text[],
	"acks" text[] DEFAULT '{}'::text[] NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint DEFAULT 0 NOT NULL,
	"last_attempt_at" bigint
);
--> statement-breakpoint
CREATE TABLE "room_usage" (
	"room" "bytea" PRIMARY KEY NOT NULL,
	"count" bigint NOT NULL,
	"bytes" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "objects_id_idx" ON "objects" USING btree ("id");--> statement-breakpoint
CREATE INDEX "objects_history_idx" ON "objects" USING btree ("room","channel","lamport","id") WHERE type = 32;--> statement-breakpoint
CREATE INDEX "objects_stream_idx" ON "objects" USING btree ("room","channel","device","seq") WHERE type = 32;--> statement-breakpoint
CREATE INDEX "objects_type_idx" ON "objects" USING btree ("room","type","id");--> statement-breakpoint
CREATE INDEX "objects_account_idx" ON "objects" USING btree ("room","account","type");--> statement-breakpoint
CREATE INDEX "objects_received_idx" ON "objects" USING btree ("room","received_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_position_idx" ON "outbox" USING btree ("position");