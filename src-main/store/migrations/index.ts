/** Numbered schema migrations of the publisher's store, applied in order, once each. */
import type { Migration } from '../db.ts';
import { m001Initial } from './001-initial.ts';
import { m002Publication } from './002-publication.ts';
import { m003TokenScopes } from './003-token-scopes.ts';
import { m004Outbox } from './004-outbox.ts';
import { m005Evidence } from './005-evidence.ts';
import { m006NoticeTypes } from './006-notice-types.ts';
import { m007Inbox } from './007-inbox.ts';
import { m008Search } from './008-search.ts';
import { m009EvidenceAnchors } from './009-evidence-anchors.ts';
import { m010FleetAlerts } from './010-fleet-alerts.ts';
import { m011Roles } from './011-roles.ts';
import { m012NoticeRevisions } from './012-notice-revisions.ts';
import { m013Privacy } from './013-privacy.ts';
import { m014SnapshotParts } from './014-snapshot-parts.ts';
import { m015SearchFacets } from './015-search-facets.ts';

export type { Migration };

export const PUBLISHER_MIGRATIONS: readonly Migration[] = [
  m001Initial, m002Publication, m003TokenScopes, m004Outbox, m005Evidence, m006NoticeTypes, m007Inbox, m008Search, m009EvidenceAnchors, m010FleetAlerts,
  m011Roles,
  m012NoticeRevisions,
  m013Privacy,
  m014SnapshotParts,
  m015SearchFacets,
];
