/** The org module's UI strings: Chinese first, every key in both languages. */
export const zh = {
  'roster.title': '网格员花名册',
  'roster.hint':
    '按花名册导入网格员：姓名、手机号、身份证号、网格编码、职责、起始日期。同一人以身份证号（无则手机号）识别，重复导入不会重复安排。',
  'duty.assign': '安排责任人',
  'duty.person': '人员',
  'duty.role': '职责',
  'duty.from': '起始',
  'duty.to': '结束',
  'duty.end': '结束',
  'duty.handover': '交接',
  'duty.successor': '接任人',
  'duty.newPerson': '新建人员',
  'duty.name': '姓名',
  'duty.phone': '手机号',
  'duty.date': '日期',
  'duty.none': '尚未安排责任人',
} as const;

export const en: Record<keyof typeof zh, string> = {
  'roster.title': 'Grid staff roster',
  'roster.hint':
    'Import people on duty from the roster: name, phone, ID number, grid code, role, start date. A person is recognised by ID number (else phone); importing again assigns nobody twice.',
  'duty.assign': 'Assign',
  'duty.person': 'Person',
  'duty.role': 'Role',
  'duty.from': 'From',
  'duty.to': 'To',
  'duty.end': 'End',
  'duty.handover': 'Hand over',
  'duty.successor': 'Successor',
  'duty.newPerson': 'New person',
  'duty.name': 'Name',
  'duty.phone': 'Phone',
  'duty.date': 'Date',
  'duty.none': 'Nobody on duty yet',
};
