CREATE TABLE "room_tags" (
	"tag" text NOT NULL,
	"room" text NOT NULL,
	"activity" integer NOT NULL,
	"score" integer NOT NULL,
	"first_seen" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	CONSTRAINT "room_tags_pkey" PRIMARY KEY("room","tag")
);
--> statement-breakpoint
CREATE INDEX "room_tags_activity" ON "room_tags" USING btree ("tag","activity" DESC NULLS LAST,"room");--> statement-breakpoint
CREATE INDEX "room_tags_first_seen" ON "room_tags" USING btree ("tag","first_seen" DESC NULLS LAST,"room");--> statement-breakpoint
CREATE INDEX "room_tags_score" ON "room_tags" USING btree ("tag","score" DESC NULLS LAST,"room");