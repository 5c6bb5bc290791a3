CREATE TABLE "file_chunks" (
	"file" "bytea" NOT NULL,
	"idx" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "file_chunks_pkey" PRIMARY KEY("file","idx")
);
--> statement-breakpoint
CREATE TABLE "files" (
	"id" "bytea" PRIMARY KEY NOT NULL,
	"room" "bytea" NOT NULL,
	"channel" "bytea" NOT NULL,
	"message" "bytea" NOT NULL,
	"size" bigint NOT NULL,
	"pieces" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE INDEX "files_message_idx" ON "files" USING btree ("message");--> statement-breakpoint
CREATE INDEX "files_room_idx" ON "files" USING btree ("room");