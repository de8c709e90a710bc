import {
  AssignDutyBody,
  CreatePersonBody,
  Department,
  DepartmentBody,
  Duty,
  DutyListQuery,
  EndDutyBody,
  GapItem,
  GapQuery,
  HandoverBody,
  IdParam,
  OverloadItem,
  OverloadQuery,
  Page,
  Person,
  PersonListQuery,
  PhotoBody,
  RevealedPhone,
  RevealBody,
  StaffBody,
} from '@wangge/shared';
import { Type } from 'typebox';
import { actorOf, principalOf, type App } from '../../core/http/context.ts';
import { withErrors } from '../../core/http/responses.ts';
import { DepartmentService } from './department.service.ts';
import { DutyService } from './duty.service.ts';
import { peoplePhotoDir, PersonService } from './person.service.ts';

export async function dutyRoutes(app: App): Promise<void> {
  const duties = new DutyService(app.ctx.db, app.ctx.personal, app.ctx.config.timeZone);
  const people = new PersonService(app.ctx.db, app.ctx.personal);
  const departments = new DepartmentService(app.ctx.db);
  const tags = ['duty'];

  app.get(
    '/api/people',
    {
      schema: {
        tags,
        summary: '人员（在管辖范围内有职责的，和尚未安排职责的）',
        querystring: PersonListQuery,
        response: withErrors({ 200: Page(Person) }),
      },
      config: { permissions: ['duty.read'] },
    },
    async (request) => people.listPeople(principalOf(request), request.query),
  );

  app.post(
    '/api/people',
    {
      schema: {
        tags,
        summary: '新建人员（可不关联登录账号）',
        body: CreatePersonBody,
        response: withErrors({ 201: Person }),
      },
      config: { permissions: ['duty.write'] },
    },
    async (request, reply) =>
      reply.status(201).send(await people.createPerson(actorOf(request), request.body)),
  );

  app.post(
    '/api/people/:id/reveal-phone',
    {
      schema: {
        tags,
        summary: '查看完整手机号（记入审计）',
        params: IdParam,
        body: RevealBody,
        response: withErrors({ 200: RevealedPhone }),
      },
      config: { permissions: ['person.phone.reveal'] },
    },
    async (request) => ({
      phone: await people.revealPhone(
        principalOf(request),
        actorOf(request),
        request.params.id,
        request.body?.reason,
      ),
    }),
  );

  // Beside the case photos, in the configured upload folder (WANGGE_UPLOAD_DIR).
  const photos = peoplePhotoDir(app.ctx.config.uploadDir);

  app.put(
    '/api/people/:id/photo',
    {
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags,
        summary: '上传人员照片（JPEG/PNG，≤2 MB）',
        params: IdParam,
        body: PhotoBody,
        response: withErrors({ 200: Person }),
      },
      config: { permissions: ['duty.write'] },
    },
    async (request) =>
      people.setPhoto(
        principalOf(request),
        actorOf(request),
        request.params.id,
        request.body.dataUrl,
        photos,
      ),
  );

  app.get(
    '/api/people/:id/photo',
    {
      schema: { tags, summary: '人员照片', params: IdParam },
      config: { permissions: ['duty.read'] },
    },
    async (request, reply) => {
      const photo = await people.photo(principalOf(request), request.params.id, photos);
      return reply.type(photo.type).header('cache-control', 'private, max-age=300').send(photo.bytes);
    },
  );

  app.get(
    '/api/duties',
    {
      schema: {
        tags,
        summary: '职责安排：某网格、某网格子树（花名册）或某人；可含历史',
        querystring: DutyListQuery,
        response: withErrors({ 200: Page(Duty) }),
      },
      config: { permissions: ['duty.read'] },
    },
    async (request) => duties.list(principalOf(request), request.query),
  );

  app.post(
    '/api/duties',
    {
      schema: { tags, summary: '安排职责', body: AssignDutyBody, response: withErrors({ 201: Duty }) },
      config: { permissions: ['duty.write'] },
    },
    async (request, reply) =>
      reply.status(201).send(await duties.assign(principalOf(request), actorOf(request), request.body)),
  );

  app.post(
    '/api/duties/:id/end',
    {
      schema: {
        tags,
        summary: '结束职责安排',
        params: IdParam,
        body: EndDutyBody,
        response: withErrors({ 200: Duty }),
      },
      config: { permissions: ['duty.write'] },
    },
    async (request) => duties.end(principalOf(request), actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/duties/:id/handover',
    {
      schema: {
        tags,
        summary: '交接：结束本安排并由接任人同日接任',
        params: IdParam,
        body: HandoverBody,
        response: withErrors({ 200: Type.Object({ ended: Duty, started: Duty }) }),
      },
      config: { permissions: ['duty.write'] },
    },
    async (request) =>
      duties.handover(principalOf(request), actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/duties/gaps',
    {
      schema: {
        tags,
        summary: '无人值守的基础网格',
        querystring: GapQuery,
        response: withErrors({ 200: Page(GapItem) }),
      },
      config: { permissions: ['duty.read'] },
    },
    async (request) => duties.gaps(principalOf(request), request.query.nodeId, request.query),
  );

  app.get(
    '/api/duties/overload',
    {
      schema: {
        tags,
        summary: '兼职过多的人员',
        querystring: OverloadQuery,
        response: withErrors({ 200: Page(OverloadItem) }),
      },
      config: { permissions: ['duty.read'] },
    },
    async (request) =>
      duties.overload(principalOf(request), request.query.nodeId, request.query.max ?? 3, request.query),
  );

  app.get(
    '/api/departments',
    {
      schema: {
        tags: ['department'],
        summary: '条线部门',
        response: withErrors({ 200: Type.Array(Department) }),
      },
      config: { permissions: ['duty.read', 'department.write'] },
    },
    async () => departments.list(),
  );

  app.post(
    '/api/departments',
    {
      schema: {
        tags: ['department'],
        summary: '新建条线部门',
        body: DepartmentBody,
        response: withErrors({ 201: Department }),
      },
      config: { permissions: ['department.write'] },
    },
    async (request, reply) =>
      reply.status(201).send(await departments.create(actorOf(request), request.body)),
  );

  app.put(
    '/api/departments/:id',
    {
      schema: {
        tags: ['department'],
        summary: '修改条线部门（行业、事件类别）',
        params: IdParam,
        body: DepartmentBody,
        response: withErrors({ 200: Department }),
      },
      config: { permissions: ['department.write'] },
    },
    async (request) => departments.update(actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/departments/:id/staff',
    {
      schema: {
        tags: ['department'],
        summary: '添加部门人员',
        params: IdParam,
        body: StaffBody,
        response: withErrors({ 200: Department }),
      },
      config: { permissions: ['department.write'] },
    },
    async (request) =>
      departments.addStaff(
        actorOf(request),
        request.params.id,
        request.body.personId,
        request.body.role ?? 'staff',
      ),
  );

  app.delete(
    '/api/departments/:id/staff/:personId',
    {
      schema: {
        tags: ['department'],
        summary: '移除部门人员',
        params: Type.Object({ id: IdParam.properties.id, personId: IdParam.properties.id }),
        response: withErrors({ 200: Department }),
      },
      config: { permissions: ['department.write'] },
    },
    async (request) => departments.removeStaff(actorOf(request), request.params.id, request.params.personId),
  );
}
