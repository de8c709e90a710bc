import { Type, type Static } from 'typebox';
import { LIMITS } from '../constants.ts';
import { PageFields } from './common.ts';
import { Id, Int, Latitude, Longitude, Num } from './numbers.ts';

export const GridNode = Type.Object({
  id: Type.Integer(),
  parentId: Type.Union([Type.Integer(), Type.Null()]),
  depth: Type.Integer(),
  kind: Type.String(),
  name: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
  childCount: Type.Integer(),
  scheme: Type.Union([Type.String(), Type.Null()]),
  level: Type.Union([Type.Integer(), Type.Null()]),
  validFrom: Type.String({ format: 'date' }),
  validTo: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  hasGeometry: Type.Boolean(),
  lng: Type.Union([Type.Number(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
});
export type GridNode = Static<typeof GridNode>;

export const GridListQuery = Type.Object({
  parentId: Type.Optional(Id()),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.searchMax })),
  ...PageFields(100),
});
export type GridListQuery = Static<typeof GridListQuery>;

export const GridDetail = Type.Intersect([
  GridNode,
  Type.Object({
    ancestors: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String() })),
    geometry: Type.Unknown(),
  }),
]);

const Name = () => Type.String({ minLength: 1, maxLength: LIMITS.gridNameMax });
const Code = () => Type.String({ minLength: 1, maxLength: 40 });
const EffectiveDate = () =>
  Type.Optional(Type.String({ format: 'date', description: '生效日期（默认今天，不得晚于今天）' }));

export const CreateGridBody = Type.Object({
  parentId: Type.Union([Id(), Type.Null()]),
  kind: Type.String({ minLength: 1, maxLength: 40 }),
  name: Name(),
  code: Type.Optional(Type.Union([Code(), Type.Null()], { description: '留空则按方案规则自动生成' })),
  scheme: Type.Optional(Type.String({ maxLength: 40, description: '新建网格树（根节点）时必填' })),
  effectiveDate: EffectiveDate(),
});
export type CreateGridBody = Static<typeof CreateGridBody>;

export const RenameGridBody = Type.Object({
  name: Name(),
  effectiveDate: EffectiveDate(),
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
});
export type RenameGridBody = Static<typeof RenameGridBody>;

export const MoveGridBody = Type.Object({
  parentId: Id(),
  code: Type.Optional(Code()),
  effectiveDate: EffectiveDate(),
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
});
export type MoveGridBody = Static<typeof MoveGridBody>;

export const SplitGridBody = Type.Object({
  parts: Type.Array(
    Type.Object({ name: Name(), code: Type.Optional(Code()), geometry: Type.Optional(Type.Unknown()) }),
    { minItems: 2, maxItems: 50 },
  ),
  /** Child id → index of the part it goes to; children not listed go by location, else to the first part. */
  assign: Type.Optional(Type.Record(Type.String({ pattern: '^[0-9]+$' }), Int(0, 49))),
  effectiveDate: EffectiveDate(),
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
});
export type SplitGridBody = Static<typeof SplitGridBody>;

export const MergeGridBody = Type.Object({
  ids: Type.Array(Id(), { minItems: 2, maxItems: 50, uniqueItems: true }),
  name: Name(),
  code: Type.Optional(Code()),
  effectiveDate: EffectiveDate(),
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
});
export type MergeGridBody = Static<typeof MergeGridBody>;

export const CloseGridBody = Type.Object({
  effectiveDate: EffectiveDate(),
  cascade: Type.Optional(Type.Boolean({ description: '一并撤销全部下级' })),
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
});
export type CloseGridBody = Static<typeof CloseGridBody>;

export const GridRef = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
  kind: Type.Union([Type.Literal('split'), Type.Literal('merge')]),
  effectiveDate: Type.String({ format: 'date' }),
});

export const GridHistory = Type.Object({
  events: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: Type.String(),
      effectiveDate: Type.String({ format: 'date' }),
      before: Type.Unknown(),
      after: Type.Unknown(),
      note: Type.Union([Type.String(), Type.Null()]),
      actorId: Type.Union([Type.Integer(), Type.Null()]),
      at: Type.String({ format: 'date-time' }),
    }),
  ),
  predecessors: Type.Array(GridRef),
  successors: Type.Array(GridRef),
});
export type GridHistory = Static<typeof GridHistory>;

export const GridChange = Type.Object({
  /** The nodes created by the operation (split parts, merge result). */
  created: Type.Array(Type.Integer()),
  /** The nodes closed by it. */
  closed: Type.Array(Type.Integer()),
  /** Duty assignments ended because their node closed. */
  dutiesEnded: Type.Integer(),
});
export type GridChange = Static<typeof GridChange>;

export const LocateQuery = Type.Object({
  lng: Longitude(),
  lat: Latitude(),
  crs: Type.Optional(
    Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02'), Type.Literal('bd09')], {
      description: '输入坐标系：wgs84（默认，含 CGCS2000）、gcj02（高德、腾讯）、bd09（百度）',
    }),
  ),
  rootId: Type.Optional(Id()),
});
export type LocateQuery = Static<typeof LocateQuery>;

export const LocateResult = Type.Object({
  /** The point in WGS84 after conversion. */
  lng: Type.Number(),
  lat: Type.Number(),
  /** The deepest grid holding the point, one per tree in the caller's scope. */
  hits: Type.Array(
    Type.Intersect([
      GridNode,
      Type.Object({
        ancestors: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String() })),
      }),
    ]),
  ),
});

export const Job = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  done: Type.Integer(),
  total: Type.Union([Type.Integer(), Type.Null()]),
  message: Type.Union([Type.String(), Type.Null()]),
  params: Type.Unknown(),
  result: Type.Unknown(),
  error: Type.Union([Type.String(), Type.Null()]),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type Job = Static<typeof Job>;

export const DivisionImportBody = Type.Object({
  province: Type.Optional(Type.String({ pattern: '^[0-9]{2}$', description: '省级代码（2 位）' })),
  city: Type.Optional(Type.String({ pattern: '^[0-9]{4}$', description: '地市代码（4 位）' })),
  county: Type.Optional(Type.String({ pattern: '^[0-9]{6}$', description: '区县代码（6 位）' })),
});

export const JobStarted = Type.Object({ jobId: Type.Integer() });

/** Area tolerance of the topology check, square metres: the default, and the most a request may ask. */
export const TOLERANCE_M2_DEFAULT = 1;
const ToleranceM2 = () =>
  Num(0, 1_000_000, { description: `拓扑检查的面积容差（平方米），默认 ${TOLERANCE_M2_DEFAULT}` });

export const TopologyQuery = Type.Object({ toleranceM2: Type.Optional(ToleranceM2()) });

/** levels=1: the node and its children only; absent: the whole subtree. */
export const GeoJsonExportQuery = Type.Object({ levels: Type.Optional(Int(0, 20)) });

export const GeoJsonImportQuery = Type.Object({
  crs: Type.Optional(
    Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02'), Type.Literal('bd09')], {
      description: '源坐标系，默认 wgs84（含 CGCS2000）',
    }),
  ),
  dryRun: Type.Optional(Type.Boolean({ description: '只生成报告，不写入' })),
  skipUnmatched: Type.Optional(Type.Boolean({ description: '跳过匹配不到网格的要素' })),
  toleranceM2: Type.Optional(ToleranceM2()),
});

export const FeatureCollectionBody = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Unknown(), { maxItems: 20_000 }),
});

export const TopologyReport = Type.Object({
  checkedNodes: Type.Integer(),
  checkedParents: Type.Integer(),
  toleranceM2: Type.Number(),
  problems: Type.Array(
    Type.Object({
      kind: Type.String(),
      nodeId: Type.Integer(),
      otherId: Type.Optional(Type.Integer()),
      areaM2: Type.Optional(Type.Number()),
      geometry: Type.Optional(Type.Unknown()),
      message: Type.String(),
    }),
  ),
});

export const GeoJsonImportResult = Type.Object({
  sourceCrs: Type.String(),
  features: Type.Integer(),
  matched: Type.Integer(),
  unmatched: Type.Array(
    Type.Object({
      index: Type.Integer(),
      code: Type.Union([Type.String(), Type.Null()]),
      id: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  invalid: Type.Array(
    Type.Object({
      index: Type.Integer(),
      code: Type.Union([Type.String(), Type.Null()]),
      message: Type.String(),
    }),
  ),
  applied: Type.Boolean(),
  topology: TopologyReport,
});

export const SchemeSummary = Type.Object({
  key: Type.String(),
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  definition: Type.Unknown(),
});

export const Dashboard = Type.Object({
  gridCounts: Type.Array(Type.Object({ kind: Type.String(), count: Type.Integer() })),
  userCount: Type.Union([Type.Integer(), Type.Null()]),
});

/**
 * What the grid map colours grids by, each counted over a grid's whole subtree: `duty_gaps` the
 * base grids with nobody on duty, `open_cases` the cases in an open state located there.
 */
export const GRID_MEASURES = ['duty_gaps', 'open_cases'] as const;
export type GridMeasureKey = (typeof GRID_MEASURES)[number];

export const GridMeasureQuery = Type.Object({
  measure: Type.Union([Type.Literal('duty_gaps'), Type.Literal('open_cases')], {
    description: 'duty_gaps 无人值守的基础网格数；open_cases 未结事件数（均按整个子树计）',
  }),
  parentId: Type.Optional(Id({ description: '上级网格；不填则为本人管辖的子树根' })),
  ...PageFields(100),
});
export type GridMeasureQuery = Static<typeof GridMeasureQuery>;

export const GridMeasureItem = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
  value: Type.Integer(),
});
export type GridMeasureItem = Static<typeof GridMeasureItem>;
