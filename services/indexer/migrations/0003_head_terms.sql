CREATE TABLE "room_head_terms" (
	"term" text NOT NULL,
	"room" text NOT NULL,
	"rank" real NOT NULL,
	"tag_paths" text[] NOT NULL
);
--> statement-breakpoint
CREATE INDEX "room_head_terms_rank" ON "room_head_terms" USING btree ("term","rank" DESC NULLS LAST,"room","tag_paths");--> statement-breakpoint
CREATE INDEX "room_head_terms_room" ON "room_head_terms" USING hash ("room");