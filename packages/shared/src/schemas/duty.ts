import { Type, type Static } from 'typebox';
import { LIMITS } from '../constants.ts';
import { PageQuery } from './common.ts';
import { Id, Int } from './numbers.ts';

const DateString = () => Type.String({ format: 'date' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const Person = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  phoneMasked: Type.Union([Type.String(), Type.Null()]),
  organisation: Type.Union([Type.String(), Type.Null()]),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  hasPhoto: Type.Boolean(),
  activeDuties: Type.Integer(),
});

export const PhotoBody = Type.Object({
  /** data:image/jpeg;base64,… (JPEG or PNG, at most 2 MB: it is printed on notice boards). */
  dataUrl: Type.String({
    minLength: 20,
    maxLength: 3_000_000,
    pattern: '^data:image/(jpeg|png|webp);base64,',
  }),
});
export type Person = Static<typeof Person>;

export const PersonListQuery = Type.Intersect([
  PageQuery,
  Type.Object({ q: Type.Optional(Type.String({ maxLength: LIMITS.searchMax })) }),
]);
export type PersonListQuery = Static<typeof PersonListQuery>;

export const CreatePersonBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: LIMITS.displayNameMax }),
  phone: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
  organisation: Type.Optional(Type.Union([Type.String({ maxLength: 60 }), Type.Null()])),
  userId: Type.Optional(Type.Union([Id(), Type.Null()])),
});
export type CreatePersonBody = Static<typeof CreatePersonBody>;

export const Duty = Type.Object({
  id: Type.Integer(),
  personId: Type.Integer(),
  personName: Type.String(),
  phoneMasked: Type.Union([Type.String(), Type.Null()]),
  nodeId: Type.Integer(),
  nodeName: Type.String(),
  nodeCode: Type.Union([Type.String(), Type.Null()]),
  role: Type.String(),
  roleName: Type.String(),
  /** The person has a photo (`GET /api/people/:personId/photo`). */
  personHasPhoto: Type.Boolean(),
  validFrom: DateString(),
  validTo: Nullable(DateString()),
  note: Type.Union([Type.String(), Type.Null()]),
});
export type Duty = Static<typeof Duty>;

/** A grid's supervising department (主管部门): its own, and the one in force (its own or inherited). */
export const GridDepartment = Type.Object({
  own: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String() }), Type.Null()]),
  effective: Type.Union([
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      /** The node it is set on: this grid, or the nearest grid above with one. */
      fromNodeId: Type.Integer(),
      fromNodeName: Type.String(),
    }),
    Type.Null(),
  ]),
});
export type GridDepartment = Static<typeof GridDepartment>;

export const GridDepartmentBody = Type.Object({
  /** null: none of its own (the grid above's applies). */
  departmentId: Type.Union([Id(), Type.Null()]),
});
export type GridDepartmentBody = Static<typeof GridDepartmentBody>;

export const AssignDutyBody = Type.Object({
  personId: Id(),
  nodeId: Id(),
  role: Type.String({ minLength: 1, maxLength: 40 }),
  validFrom: Type.Optional(DateString()),
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
});
export type AssignDutyBody = Static<typeof AssignDutyBody>;

export const EndDutyBody = Type.Object({
  validTo: Type.Optional(DateString()),
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
});
export type EndDutyBody = Static<typeof EndDutyBody>;

export const HandoverBody = Type.Object({
  toPersonId: Id(),
  date: Type.Optional(DateString()),
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
});
export type HandoverBody = Static<typeof HandoverBody>;

export const DutyListQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    nodeId: Type.Optional(Id()),
    personId: Type.Optional(Id()),
    /** Include the whole subtree of nodeId (the roster), not only the node itself. */
    subtree: Type.Optional(Type.Boolean()),
    /** Include ended assignments (history). */
    history: Type.Optional(Type.Boolean()),
  }),
]);
export type DutyListQuery = Static<typeof DutyListQuery>;

export const GapQuery = Type.Intersect([PageQuery, Type.Object({ nodeId: Id() })]);
export type GapQuery = Static<typeof GapQuery>;

export const OverloadQuery = Type.Intersect([
  PageQuery,
  Type.Object({ nodeId: Id(), max: Type.Optional(Int(1, 100, { default: 3 })) }),
]);
export type OverloadQuery = Static<typeof OverloadQuery>;

export const GapItem = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
  kind: Type.String(),
  path: Type.Array(Type.String()),
});

export const OverloadItem = Type.Object({
  personId: Type.Integer(),
  name: Type.String(),
  phoneMasked: Type.Union([Type.String(), Type.Null()]),
  duties: Type.Integer(),
});

export const Department = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  code: Type.String(),
  sectors: Type.Array(Type.String()),
  categories: Type.Array(Type.String()),
  /** A township's or community's own unit (属地): the grid it answers for; null: a county department. */
  gridId: Type.Union([Type.Integer(), Type.Null()]),
  gridName: Type.Union([Type.String(), Type.Null()]),
  staff: Type.Array(Type.Object({ personId: Type.Integer(), name: Type.String(), role: Type.String() })),
});
export type Department = Static<typeof Department>;

export const DepartmentBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 60 }),
  code: Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' }),
  sectors: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 50, uniqueItems: true }),
  ),
  categories: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 100, uniqueItems: true }),
  ),
  /** Makes it the own unit of a township or community (属地单位) for cases in that grid. */
  gridId: Type.Optional(Type.Union([Id(), Type.Null()])),
});
export type DepartmentBody = Static<typeof DepartmentBody>;

export const StaffBody = Type.Object({
  personId: Id(),
  role: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
});
