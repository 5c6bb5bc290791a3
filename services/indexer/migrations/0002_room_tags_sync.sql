-- room_tags mirrors rooms (one row per tag path, with the room's sort keys): these triggers keep it so
-- on every insert, update and delete of a room, whatever code path writes it.
CREATE FUNCTION room_tags_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM room_tags WHERE room = OLD.room;
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' OR NEW.tag_paths IS DISTINCT FROM OLD.tag_paths THEN
    DELETE FROM room_tags WHERE room = NEW.room;
    INSERT INTO room_tags (tag, room, activity, score, first_seen, expires_at)
      SELECT DISTINCT p, NEW.room, NEW.activity, NEW.score, NEW.first_seen, NEW.expires_at FROM unnest(NEW.tag_paths) AS p;
  ELSIF (NEW.activity, NEW.score, NEW.first_seen, NEW.expires_at) IS DISTINCT FROM (OLD.activity, OLD.score, OLD.first_seen, OLD.expires_at) THEN
    UPDATE room_tags SET activity = NEW.activity, score = NEW.score, first_seen = NEW.first_seen, expires_at = NEW.expires_at
      WHERE room = NEW.room;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER rooms_room_tags AFTER INSERT OR UPDATE OR DELETE ON rooms FOR EACH ROW EXECUTE FUNCTION room_tags_sync();
--> statement-breakpoint
INSERT INTO room_tags (tag, room, activity, score, first_seen, expires_at)
  SELECT DISTINCT p, r.room, r.activity, r.score, r.first_seen, r.expires_at FROM rooms r, unnest(r.tag_paths) AS p
  ON CONFLICT DO NOTHING;
