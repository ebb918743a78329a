/** The search API's result types, pure: the clerk app (renderer) imports them too. */
import type { NoticeState } from '../shared/domain.ts';

export interface SearchHit {
  noticeId: string;
  board: string;
  title: string;
  category: string;
  state: NoticeState;
  postAt: string | null;
  removeAt: string | null;
  publishedAt: string | null;
  withdrawnAt: string | null;
  createdAt: string;
  /** Relevance (bm25, higher is better); results come best first. */
  score: number;
  /** HTML: escaped text, matches in <mark>. `title` always; the others only where they matched. */
  snippets: {
    title: string;
    description: string | null;
    referenceNumber: string | null;
    fileMark: string | null;
    department: string | null;
    attachments: string | null;
  };
}

export interface SearchPage {
  results: SearchHit[];
  limit: number;
  offset: number;
  /** True when there are results after this page. */
  hasMore: boolean;
}
