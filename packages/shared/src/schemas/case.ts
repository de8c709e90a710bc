import { Type, type Static } from 'typebox';
import {
  ALERT_KINDS,
  CASE_CHANNELS,
  CASE_NATURES,
  CASE_STAGES,
  CASE_STATES,
  HANDLING_TYPES,
  REPORTER_KINDS,
  REQUEST_KINDS,
  URGENCIES,
} from '../cases.ts';
import { LIMITS } from '../constants.ts';
import { PageQuery } from './common.ts';
import { CaseSupervision } from './case.supervision.ts';
import { PhotoTokens } from './tokens.ts';
import { BigId, Id, Int, Latitude, Longitude, Num } from './numbers.ts';

/** A string union of an object's keys, typed. */
function KeyOf<T extends string>(obj: Record<T, unknown>, options: { description?: string } = {}) {
  return Type.Enum(Object.keys(obj) as T[], options);
}

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = () => Type.String({ format: 'date-time' });

export const CaseStateSchema = KeyOf(CASE_STATES);
export const CaseNatureSchema = KeyOf(CASE_NATURES);
export const HandlingTypeSchema = KeyOf(HANDLING_TYPES);
export const UrgencySchema = KeyOf(URGENCIES);
export const CaseStageSchema = KeyOf(CASE_STAGES);
export const CaseChannelSchema = KeyOf(CASE_CHANNELS);
export const ReporterKindSchema = KeyOf(REPORTER_KINDS);
export const RequestKindSchema = KeyOf(REQUEST_KINDS);
export const AlertKindSchema = KeyOf(ALERT_KINDS);

export const CaseNumberParam = Type.Object({ number: Type.String({ pattern: '^[A-Z]{2}\\d{14}$' }) });

// ---------------------------------------------------------------- configuration

export const CaseSettings = Type.Object({
  /** 自动分发开关: on → matching rules assign at once; off → every case waits in the dispatch queue. */
  autoDispatch: Type.Boolean(),
  /** 是否回访开关: on → fed-back cases wait for a return visit; off → they go on to archiving. */
  returnVisit: Type.Boolean(),
  /** 自动归档开关: on → archived at once; off → they wait in the archive queue. */
  autoArchive: Type.Boolean(),
  /** 定时器触发时间: seconds between overdue sweeps. */
  sweepSeconds: Int(5, 3600),
  /** Pre-due warning when this share of the limit has passed (0.8 = at 80 %); null: no warning. */
  warnFraction: Nullable(Num(0.1, 0.99)),
  /** Escalation to the grid chief above once this multiple of the limit has passed; null: never. */
  escalateFraction: Nullable(Num(1.01, 10)),
  /** Duplicate suggestion: open cases of the same category within this radius (metres) … */
  duplicateRadiusM: Int(0, 5000),
  /** … reported within this many hours. */
  duplicateHours: Int(0, 24 * 90),
  /** The grid tree cases are located in; null: the first active tree that is not the divisions tree. */
  rootId: Nullable(Id()),
  /** Days after closing within which the citizen may reopen the case (0: citizens cannot reopen). */
  reopenDays: Int(0, 365),
});
export type CaseSettings = Static<typeof CaseSettings>;

export const CaseSettingsBody = Type.Partial(CaseSettings, { minProperties: 1 });
export type CaseSettingsBody = Static<typeof CaseSettingsBody>;

export const CaseCategory = Type.Object({
  id: Type.Integer(),
  parentId: Nullable(Type.Integer()),
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  sort: Type.Integer(),
  active: Type.Boolean(),
});
export type CaseCategory = Static<typeof CaseCategory>;

export const CaseCategoryBody = Type.Object({
  parentId: Type.Optional(Nullable(Id())),
  code: Type.String({ pattern: '^[A-Z0-9_]{1,20}$' }),
  name: Type.String({ minLength: 1, maxLength: 30 }),
  nameEn: Type.Optional(Type.String({ maxLength: 60 })),
  sort: Type.Optional(Int(0, 9999)),
  active: Type.Optional(Type.Boolean()),
});
export type CaseCategoryBody = Static<typeof CaseCategoryBody>;

export const TimeLimit = Type.Object({
  id: Type.Integer(),
  categoryId: Nullable(Type.Integer()),
  categoryName: Nullable(Type.String()),
  urgency: UrgencySchema,
  stage: CaseStageSchema,
  /** Minutes of working time (or natural time when `natural`). */
  minutes: Type.Integer(),
  natural: Type.Boolean(),
});
export type TimeLimit = Static<typeof TimeLimit>;

export const TimeLimitBody = Type.Object({
  categoryId: Type.Optional(Nullable(Id())),
  urgency: UrgencySchema,
  stage: CaseStageSchema,
  minutes: Int(1, 60 * 24 * 365),
  natural: Type.Optional(Type.Boolean()),
});
export type TimeLimitBody = Static<typeof TimeLimitBody>;

export const DispatchRule = Type.Object({
  id: Type.Integer(),
  categoryId: Nullable(Type.Integer()),
  categoryName: Nullable(Type.String()),
  gridId: Nullable(Type.Integer()),
  gridName: Nullable(Type.String()),
  departmentId: Type.Integer(),
  departmentName: Type.String(),
  /** Lower numbers win; among equal priorities the deeper grid, then the deeper category wins. */
  priority: Type.Integer(),
  active: Type.Boolean(),
  note: Nullable(Type.String()),
  updatedAt: DateTime(),
});
export type DispatchRule = Static<typeof DispatchRule>;

export const DispatchRuleBody = Type.Object({
  categoryId: Type.Optional(Nullable(Id())),
  gridId: Type.Optional(Nullable(Id())),
  departmentId: Id(),
  priority: Type.Optional(Int(0, 9999)),
  active: Type.Optional(Type.Boolean()),
  note: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.noteMax }))),
});
export type DispatchRuleBody = Static<typeof DispatchRuleBody>;

export const DispatchRuleChange = Type.Object({
  id: Type.Integer(),
  ruleId: Type.Integer(),
  action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  actorName: Type.String(),
  at: DateTime(),
});
export type DispatchRuleChange = Static<typeof DispatchRuleChange>;

export const DispatchRuleHistoryQuery = Type.Intersect([
  PageQuery,
  Type.Object({ ruleId: Type.Optional(Id()) }),
]);
export type DispatchRuleHistoryQuery = Static<typeof DispatchRuleHistoryQuery>;

export const DryRunQuery = Type.Object({
  categoryId: Id(),
  gridId: Type.Optional(Id()),
  lng: Type.Optional(Longitude()),
  lat: Type.Optional(Latitude()),
  crs: Type.Optional(
    Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02'), Type.Literal('bd09')], {
      description: '坐标系：wgs84（默认）、gcj02（高德/腾讯）、bd09（百度），同上报',
    }),
  ),
});
export type DryRunQuery = Static<typeof DryRunQuery>;

export const DryRunResult = Type.Object({
  autoDispatch: Type.Boolean(),
  gridId: Nullable(Type.Integer()),
  gridName: Nullable(Type.String()),
  /** The department a new case would go to (null: the manual dispatch queue). */
  departmentId: Nullable(Type.Integer()),
  departmentName: Nullable(Type.String()),
  ruleId: Nullable(Type.Integer()),
  /** Every matching active rule, winner first. */
  matches: Type.Array(DispatchRule),
});
export type DryRunResult = Static<typeof DryRunResult>;

// ---------------------------------------------------------------- reporting

export const Location = Type.Object({
  lng: Longitude(),
  lat: Latitude(),
  crs: Type.Optional(
    Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02'), Type.Literal('bd09')], {
      description: '坐标系：wgs84（默认）、gcj02（高德/腾讯）、bd09（百度）',
    }),
  ),
});
export type Location = Static<typeof Location>;

export const PartyInput = Type.Object({
  role: Type.Union([Type.Literal('A'), Type.Literal('B')], { description: '甲方 A / 乙方 B' }),
  name: Type.String({ minLength: 1, maxLength: 40 }),
  phone: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
});
export type PartyInput = Static<typeof PartyInput>;

export const CreateCaseBody = Type.Object({
  categoryId: Id(),
  nature: CaseNatureSchema,
  handlingType: HandlingTypeSchema,
  urgency: Type.Optional(UrgencySchema),
  title: Type.Optional(Type.String({ maxLength: 60 })),
  description: Type.String({ minLength: 2, maxLength: 2000 }),
  parties: Type.Optional(Type.Array(PartyInput, { maxItems: 10 })),
  address: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  location: Type.Optional(Nullable(Location)),
  /** The grid, when picked by hand; otherwise the location decides. */
  gridId: Type.Optional(Nullable(Id())),
  photoTokens: Type.Optional(PhotoTokens()),
  channel: Type.Optional(CaseChannelSchema),
  /** For a case taken on the phone or hotline: the caller. */
  reporter: Type.Optional(
    Type.Object({
      name: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
      phone: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
    }),
  ),
  /** Routine cases: handled on the spot by the reporter, with this record. */
  onSpot: Type.Optional(Nullable(Type.Object({ note: Type.String({ minLength: 2, maxLength: 1000 }) }))),
});
export type CreateCaseBody = Static<typeof CreateCaseBody>;

export const PublicCaseBody = Type.Object({
  categoryId: Id(),
  description: Type.String({ minLength: 5, maxLength: 1000 }),
  address: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  location: Type.Optional(Nullable(Location)),
  photoTokens: Type.Optional(PhotoTokens()),
  contact: Type.Optional(
    Type.Object({
      name: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
      phone: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
    }),
  ),
});
export type PublicCaseBody = Static<typeof PublicCaseBody>;

export const PublicCaseReceipt = Type.Object({
  number: Type.String(),
  /** Given once: with the number it lets the reporter follow the case without an account. */
  accessCode: Type.String(),
  state: CaseStateSchema,
  stateName: Type.String(),
});
export type PublicCaseReceipt = Static<typeof PublicCaseReceipt>;

export const PublicCaseQuery = Type.Object({ code: Type.String({ pattern: '^[0-9A-Z]{6}$' }) });

// PublicCaseStatus: see case-public.ts.

/** The area whose children's outlines the citizens' map shows; absent: the top level. */
export const PublicOutlinesQuery = Type.Object({ parentId: Type.Optional(Id()) });

export const PublicCategory = Type.Object({
  id: Type.Integer(),
  parentId: Nullable(Type.Integer()),
  name: Type.String(),
  nameEn: Type.String(),
});

/** GeoJSON Polygon or MultiPolygon, WGS84. */
const OutlineGeometry = Type.Unknown({ description: 'GeoJSON Polygon / MultiPolygon (WGS84)' });

/** One level of the citizens' map: an area and its children's outlines. */
export const PublicGridOutlines = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  geometry: OutlineGeometry,
  parts: Type.Array(
    Type.Object({ id: Type.Integer(), name: Type.String(), leaf: Type.Boolean(), geometry: OutlineGeometry }),
  ),
});
export type PublicGridOutlines = Static<typeof PublicGridOutlines>;

export const PhotoUploadBody = Type.Object({
  /** data:image/jpeg;base64,… (JPEG, PNG or WebP, at most 5 MB). */
  dataUrl: Type.String({
    minLength: 20,
    maxLength: 7_000_000,
    pattern: '^data:image/(jpeg|png|webp);base64,',
  }),
});
export const PhotoUploadResult = Type.Object({
  token: Type.String(),
  bytes: Type.Integer(),
  type: Type.String(),
});
export type PhotoUploadResult = Static<typeof PhotoUploadResult>;

// ---------------------------------------------------------------- reading

/** The step that sent a case back for re-dispatch (a department's rejection …). */
export const CaseReturned = Type.Object({
  /** The timeline action (reject …). */
  action: Type.String(),
  departmentId: Nullable(Type.Integer()),
  departmentName: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  by: Type.String(),
  at: DateTime(),
});
export type CaseReturned = Static<typeof CaseReturned>;

export const CaseSummary = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  title: Type.String(),
  categoryId: Type.Integer(),
  categoryName: Type.String(),
  nature: CaseNatureSchema,
  handlingType: HandlingTypeSchema,
  urgency: UrgencySchema,
  state: CaseStateSchema,
  gridId: Type.Integer(),
  gridName: Type.String(),
  departmentId: Nullable(Type.Integer()),
  departmentName: Nullable(Type.String()),
  address: Nullable(Type.String()),
  lng: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
  reporterKind: ReporterKindSchema,
  channel: CaseChannelSchema,
  reportedAt: DateTime(),
  updatedAt: DateTime(),
  /** The running clock, if any. */
  stage: Nullable(CaseStageSchema),
  dueAt: Nullable(DateTime()),
  overdue: Type.Boolean(),
  parked: Type.Boolean(),
  deferred: Type.Boolean(),
  round: Type.Integer(),
  onSpot: Type.Boolean(),
  /** Under formal supervision (督办). */
  supervised: Type.Boolean(),
  /** Times urged (催办). */
  urgeCount: Type.Integer(),
  /** Why a case waiting for re-dispatch came back (its last step into 被驳回): unit, reason, who, when. */
  returned: Type.Optional(Nullable(CaseReturned)),
});
export type CaseSummary = Static<typeof CaseSummary>;

export const CaseEvent = Type.Object({
  id: Type.Integer(),
  at: DateTime(),
  action: Type.String(),
  actionName: Type.String(),
  fromState: Nullable(Type.String()),
  toState: Nullable(Type.String()),
  actorName: Type.String(),
  departmentName: Nullable(Type.String()),
  note: Nullable(Type.String()),
  data: Type.Unknown(),
  photoIds: Type.Array(Type.Integer()),
});
export type CaseEvent = Static<typeof CaseEvent>;

export const CaseRequest = Type.Object({
  id: Type.Integer(),
  kind: RequestKindSchema,
  reason: Type.String(),
  extraMinutes: Nullable(Type.Integer()),
  state: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('denied')]),
  requestedBy: Type.String(),
  requestedAt: DateTime(),
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(DateTime()),
  decisionNote: Nullable(Type.String()),
});
export type CaseRequest = Static<typeof CaseRequest>;

export const CaseDetail = Type.Intersect([
  CaseSummary,
  Type.Object({
    description: Type.String(),
    parties: Type.Array(
      Type.Object({ role: Type.String(), name: Type.String(), phoneMasked: Nullable(Type.String()) }),
    ),
    reporterName: Nullable(Type.String()),
    reporterPhoneMasked: Nullable(Type.String()),
    gridPath: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
    photos: Type.Array(
      Type.Object({ id: Type.Integer(), kind: Type.String(), type: Type.String(), url: Type.String() }),
    ),
    timeline: Type.Array(CaseEvent),
    requests: Type.Array(CaseRequest),
    stageStartedAt: Nullable(DateTime()),
    visitSatisfied: Nullable(Type.Boolean()),
    reworkCount: Type.Integer(),
    duplicateOf: Nullable(Type.String()),
    /** What the viewer may do now: accept, reject, feedback, dispatch, visit, archive, void, request, decide. */
    allowedActions: Type.Array(Type.String()),
  }),
  CaseSupervision,
]);
export type CaseDetail = Static<typeof CaseDetail>;

export const CaseListQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    /** One state or several, comma-separated. */
    state: Type.Optional(Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', maxLength: 200 })),
    categoryId: Type.Optional(Id()),
    gridId: Type.Optional(Id()),
    departmentId: Type.Optional(Id()),
    /** Cases whose clock of this stage has run out (accept: 已分配未接受, feedback: 已接受未反馈, visit: 已反馈未回访), or any. */
    overdue: Type.Optional(Type.Union([CaseStageSchema, Type.Literal('any')])),
    urgency: Type.Optional(UrgencySchema),
    parked: Type.Optional(Type.Boolean()),
    /** Number or words of the title/description/address. */
    q: Type.Optional(Type.String({ maxLength: LIMITS.searchMax })),
    from: Type.Optional(Type.String({ format: 'date' })),
    to: Type.Optional(Type.String({ format: 'date' })),
    /** Department inbox: cases of the caller's departments. */
    mine: Type.Optional(Type.Boolean()),
    /** Reported through this channel. */
    channel: Type.Optional(CaseChannelSchema),
    /** 即将超时 (true only): the running clock has passed its warning threshold, not yet its deadline. */
    dueSoon: Type.Optional(Type.Boolean()),
    /** Done late: accepted (accept) or fed back (feedback) after a deadline of that stage ran out. */
    late: Type.Optional(Type.Union([Type.Literal('accept'), Type.Literal('feedback')])),
    /** The return visit's result (the latest visit): satisfied or not. */
    satisfied: Type.Optional(Type.Boolean()),
    /** Under formal supervision (督办). */
    supervised: Type.Optional(Type.Boolean()),
    /** queue: urgent first, then the oldest (the dispatch queues). */
    sort: Type.Optional(
      Type.Union([
        Type.Literal('reported'),
        Type.Literal('due'),
        Type.Literal('updated'),
        Type.Literal('queue'),
      ]),
    ),
  }),
]);
export type CaseListQuery = Static<typeof CaseListQuery>;

export const CaseCounts = Type.Object({
  byState: Type.Record(Type.String(), Type.Integer()),
  overdue: Type.Object({ accept: Type.Integer(), feedback: Type.Integer(), visit: Type.Integer() }),
  pendingRequests: Type.Integer(),
});
export type CaseCounts = Static<typeof CaseCounts>;

export const DuplicateQuery = Type.Object({
  categoryId: Id(),
  lng: Longitude(),
  lat: Latitude(),
  crs: Type.Optional(Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02'), Type.Literal('bd09')])),
  excludeId: Type.Optional(BigId()),
});
export const DuplicateItem = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  title: Type.String(),
  state: CaseStateSchema,
  reportedAt: DateTime(),
  distanceM: Type.Number(),
});

// ---------------------------------------------------------------- transitions

const Note = (min = 0) => Type.String({ minLength: min, maxLength: 1000 });

export const DispatchBody = Type.Object({ departmentId: Id(), note: Type.Optional(Note()) });
export const AcceptBody = Type.Object({ note: Type.Optional(Note()) });
export const RejectBody = Type.Object({ reason: Note(2) });
export const FeedbackBody = Type.Object({ note: Note(2), photoTokens: Type.Optional(PhotoTokens()) });
export const VisitBody = Type.Object({
  satisfied: Type.Boolean(),
  method: Type.Optional(
    Type.Union([Type.Literal('phone'), Type.Literal('visit'), Type.Literal('sms'), Type.Literal('other')]),
  ),
  note: Note(2),
  photoTokens: Type.Optional(PhotoTokens()),
});
export const ArchiveBody = Type.Object({ note: Type.Optional(Note()) });
export const VoidBody = Type.Object({
  reason: Note(2),
  duplicateOf: Type.Optional(Type.String({ pattern: '^[A-Z]{2}\\d{14}$' })),
});
export const CaseRequestBody = Type.Object({
  kind: RequestKindSchema,
  reason: Note(2),
  /** Deferral: extra working minutes on the running clock. */
  extraMinutes: Type.Optional(Int(1, 60 * 24 * 90)),
});
export const DecideBody = Type.Object({ approve: Type.Boolean(), note: Type.Optional(Note()) });
export const CommentBody = Type.Object({ note: Note(1) });

export type DispatchBody = Static<typeof DispatchBody>;
export type AcceptBody = Static<typeof AcceptBody>;
export type RejectBody = Static<typeof RejectBody>;
export type FeedbackBody = Static<typeof FeedbackBody>;
export type VisitBody = Static<typeof VisitBody>;
export type ArchiveBody = Static<typeof ArchiveBody>;
export type VoidBody = Static<typeof VoidBody>;
export type CaseRequestBody = Static<typeof CaseRequestBody>;
export type DecideBody = Static<typeof DecideBody>;

export const CaseIdParam = Type.Object({ id: BigId() });
export const RequestIdParams = Type.Object({ id: BigId(), requestId: Id() });
export const CasePhotoParams = Type.Object({ id: BigId(), photoId: BigId() });
