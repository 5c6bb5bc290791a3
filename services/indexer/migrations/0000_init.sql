CREATE TABLE "listings" (
	"room" text NOT NULL,
	"account" text NOT NULL,
	"id" text NOT NULL,
	"signer" text NOT NULL,
	"issued_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"bytes" "bytea" NOT NULL,
	"seen_at" bigint NOT NULL,
	"content" text NOT NULL,
	"verified" boolean DEFAULT false NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "listings_pkey" PRIMARY KEY("room","account")
);
--> statement-breakpoint
CREATE TABLE "presence" (
	"room" text NOT NULL,
	"peer" text NOT NULL,
	"seen_at" bigint NOT NULL,
	CONSTRAINT "presence_pkey" PRIMARY KEY("room","peer")
);
--> statement-breakpoint
CREATE TABLE "rooms" (
	"room" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"language" text NOT NULL,
	"tags" text[] NOT NULL,
	"tag_paths" text[] NOT NULL,
	"tag_text" text NOT NULL,
	"color" integer NOT NULL,
	"listing_id" text NOT NULL,
	"first_seen" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"activity" integer DEFAULT 0 NOT NULL,
	"up" integer DEFAULT 0 NOT NULL,
	"down" integer DEFAULT 0 NOT NULL,
	"score" integer DEFAULT 0 NOT NULL,
	"head" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, "name"), 'A') || setweight(to_tsvector('english'::regconfig, "tag_text"), 'B')) STORED NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, "name"), 'A') || setweight(to_tsvector('english'::regconfig, "description"), 'C') || setweight(to_tsvector('english'::regconfig, "tag_text"), 'B')) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"path" text PRIMARY KEY NOT NULL,
	"first_seen" bigint NOT NULL,
	"last_crawled" bigint DEFAULT 0 NOT NULL,
	"listings" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "votes" (
	"room" text NOT NULL,
	"voter" text NOT NULL,
	"up" boolean NOT NULL,
	"issued_at" bigint NOT NULL,
	"id" text NOT NULL,
	CONSTRAINT "votes_pkey" PRIMARY KEY("room","voter")
);
--> statement-breakpoint
CREATE INDEX "listings_expires" ON "listings" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "listings_pending" ON "listings" USING btree ("verified","attempts","seen_at");--> statement-breakpoint
CREATE INDEX "presence_seen" ON "presence" USING btree ("seen_at");--> statement-breakpoint
CREATE INDEX "rooms_search" ON "rooms" USING gin ("search");--> statement-breakpoint
CREATE INDEX "rooms_head" ON "rooms" USING gin ("head");--> statement-breakpoint
CREATE INDEX "rooms_tag_paths" ON "rooms" USING gin ("tag_paths");--> statement-breakpoint
CREATE INDEX "rooms_expires" ON "rooms" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "rooms_activity" ON "rooms" USING btree ("activity" DESC NULLS LAST,"room");--> statement-breakpoint
CREATE INDEX "rooms_first_seen" ON "rooms" USING btree ("first_seen" DESC NULLS LAST,"room");--> statement-breakpoint
CREATE INDEX "rooms_score" ON "rooms" USING btree ("score" DESC NULLS LAST,"room");--> statement-breakpoint
CREATE INDEX "rooms_lower_name" ON "rooms" USING btree (lower("name"));