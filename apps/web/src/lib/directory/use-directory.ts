'use client';
/**
 * The Discover page's state: the search it shows (text, tag, order), the pages loaded so far
 * (cursor pagination: "Show more" appends the next page), the indexer's known tags, and errors.
 * A new search replaces the results; a late answer to an older search is dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  DirectoryError,
  type DirectoryErrorKind,
  type DirectoryRoom,
  type DirectorySort,
  type DirectoryTag,
  directoryTags,
  searchDirectory,
} from './indexer-api.ts';

export const PAGE_SIZE = 12;

export interface DirectorySearch {
  readonly q: string;
  readonly tag: string;
  readonly sort: DirectorySort;
}

export interface DirectoryView {
  readonly search: DirectorySearch;
  readonly rooms: readonly DirectoryRoom[];
  readonly tags: readonly DirectoryTag[];
  readonly loading: boolean;
  readonly hasMore: boolean;
  readonly error: string | undefined;
  readonly errorKind: DirectoryErrorKind | undefined;
  /** Runs a search (also again with the same terms: the directory fills as the indexer crawls). */
  run(search: DirectorySearch): void;
  more(): void;
}

export const useDirectory = (origin: string | undefined): DirectoryView => {
  const [search, setSearch] = useState<DirectorySearch>({ q: '', tag: '', sort: 'activity' });
  const [rooms, setRooms] = useState<readonly DirectoryRoom[]>([]);
  const [tags, setTags] = useState<readonly DirectoryTag[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<{ message: string; kind: DirectoryErrorKind } | undefined>(undefined);
  const current = useRef<AbortController | undefined>(undefined);

  const load = useCallback(
    (s: DirectorySearch, cursor: string | undefined) => {
      if (origin === undefined) return;
      current.current?.abort();
      const ctl = new AbortController();
      current.current = ctl;
      setLoading(true);
      setError(undefined);
      // Relevance needs words; without them the indexer orders by activity.
      const sort = s.sort === 'relevance' && s.q.trim() === '' ? 'activity' : s.sort;
      searchDirectory(origin, { q: s.q, tag: s.tag, sort, limit: PAGE_SIZE, cursor }, ctl.signal)
        .then((page) => {
          if (ctl.signal.aborted) return;
          setRooms((old) => (cursor === undefined ? page.rooms : [...old, ...page.rooms.filter((r) => !old.some((o) => o.room === r.room))]));
          setNext(page.next);
        })
        .catch((e: unknown) => {
          if (ctl.signal.aborted) return;
          setError({ message: (e as Error).message, kind: e instanceof DirectoryError ? e.kind : 'unreachable' });
          // A new search that failed shows nothing rather than the previous search's rooms.
          if (cursor === undefined) {
            setRooms([]);
            setNext(null);
          }
        })
        .finally(() => {
          if (!ctl.signal.aborted) setLoading(false);
        });
      // The tag list changes as rooms come and go: refreshed with every new search.
      if (cursor === undefined)
        directoryTags(origin, ctl.signal).then(
          (t) => {
            if (!ctl.signal.aborted) setTags(t);
          },
          () => undefined,
        );
    },
    [origin],
  );

  useEffect(() => {
    load({ q: '', tag: '', sort: 'activity' }, undefined);
    return () => current.current?.abort();
  }, [load]);

  const run = useCallback(
    (s: DirectorySearch) => {
      setSearch(s);
      load(s, undefined);
    },
    [load],
  );
  const more = useCallback(() => {
    if (next !== null) load(search, next);
  }, [load, search, next]);

  return { search, rooms, tags, loading, hasMore: next !== null, error: error?.message, errorKind: error?.kind, run, more };
};
