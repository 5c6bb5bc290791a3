-- room_head_terms mirrors rooms (one row per lexeme of the room's name and tags, with the lexeme's
-- ts_rank_cd in the room's search document and the room's tag paths): these triggers keep it so on
-- every insert, update and delete of a room, whatever code path writes it. The lexeme goes back into a
-- tsquery as one quoted operand (quotes doubled, backslashes escaped): the query websearch_to_tsquery
-- makes of a one-word search for it, so the stored rank is the rank a search computes.
CREATE FUNCTION parley_lexeme_query(lexeme text) RETURNS tsquery LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT ('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''')::tsquery
$$;
--> statement-breakpoint
CREATE FUNCTION room_head_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM room_head_terms WHERE room = OLD.room;
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' OR (NEW.search, NEW.tag_paths) IS DISTINCT FROM (OLD.search, OLD.tag_paths) THEN
    IF TG_OP = 'UPDATE' THEN
      DELETE FROM room_head_terms WHERE room = OLD.room;
    END IF;
    INSERT INTO room_head_terms (term, room, rank, tag_paths)
      SELECT u, NEW.room, ts_rank_cd(NEW.search, parley_lexeme_query(u)), NEW.tag_paths FROM unnest(tsvector_to_array(NEW.head)) AS u;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER rooms_room_head_terms AFTER INSERT OR UPDATE OR DELETE ON rooms FOR EACH ROW EXECUTE FUNCTION room_head_terms_sync();
--> statement-breakpoint
INSERT INTO room_head_terms (term, room, rank, tag_paths)
  SELECT u, r.room, ts_rank_cd(r.search, parley_lexeme_query(u)), r.tag_paths FROM rooms r, unnest(tsvector_to_array(r.head)) AS u;
