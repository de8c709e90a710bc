import QRCode from 'qrcode';
import { finish, newDocument, type PdfFont } from './pdf.ts';
import { PdfMap, type MapFeature, type MapResult, type Shape } from './pdf-map.ts';

export interface NoticePerson {
  role: string;
  name: string;
  phone: string | null;
  organisation: string | null;
  /** JPEG or PNG bytes, or null: a placeholder with the surname is printed. */
  photo: Buffer | null;
}

export interface NoticeData {
  name: string;
  code: string | null;
  kindLabel: string;
  chain: string[];
  geometry: Shape | null;
  /** Grids around it (the same level), drawn and named around the grid. */
  neighbours: { name: string; geometry: Shape }[];
  /** Its own parts, drawn thin inside it. */
  children: Shape[];
  people: NoticePerson[];
  /** The phones are masked: the printer may not reveal them. */
  phonesMasked: boolean;
  department: string | null;
  duties: string[];
  /** The public report page for this grid: printed as a QR code and as text. */
  reportUrl: string;
  issuedOn: string;
  basemap: string | null;
}

const BLUE = '#1458a8';
const CARDS_MAX = 6;
const LINES_MAX = 10;

/** A QR code drawn as vector squares (sharp at any print size), with a link on it. */
export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 2;
  const cell = size / (modules.size + quiet * 2);
  doc.rect(x, y, size, size).fillColor('#ffffff').fill();
  doc.fillColor('#000000');
  for (let r = 0; r < modules.size; r++)
    for (let c = 0; c < modules.size; c++)
      if (modules.get(r, c))
        doc.rect(x + (c + quiet) * cell, y + (r + quiet) * cell, cell + 0.05, cell + 0.05);
  doc.fill();
  doc.link(x, y, size, size, text);
}

function personCard(doc: PDFKit.PDFDocument, p: NoticePerson, x: number, y: number, w: number, h: number) {
  doc.roundedRect(x, y, w, h, 4).lineWidth(0.75).strokeColor('#c8d3e3').stroke();
  const pw = 54;
  const ph = 68;
  const px = x + 8;
  const py = y + (h - ph) / 2;
  let drawn = false;
  if (p.photo) {
    try {
      doc.image(p.photo, px, py, { fit: [pw, ph], align: 'center', valign: 'center' });
      drawn = true;
    } catch {
      // An image PDFKit cannot read: the placeholder instead.
    }
  }
  if (!drawn) {
    doc.rect(px, py, pw, ph).fillColor('#e8eef7').fill();
    doc
      .fillColor('#8aa4c8')
      .fontSize(22)
      .text([...p.name][0] ?? '', px, py + ph / 2 - 15, { width: pw, align: 'center', lineBreak: false });
  }
  doc.rect(px, py, pw, ph).lineWidth(0.5).strokeColor('#c8d3e3').stroke();
  const tx = px + pw + 10;
  const tw = x + w - tx - 6;
  doc
    .fillColor(BLUE)
    .fontSize(9)
    .text(p.role, tx, y + 10, { width: tw, lineBreak: false, ellipsis: true });
  doc
    .fillColor('#000')
    .fontSize(14)
    .text(p.name, tx, y + 24, { width: tw, lineBreak: false, ellipsis: true });
  doc.fontSize(10.5).text(p.phone ?? '—', tx, y + 45, { width: tw, lineBreak: false });
  if (p.organisation)
    doc
      .fillColor('#666')
      .fontSize(7.5)
      .text(p.organisation, tx, y + 62, { width: tw, height: 20, ellipsis: true });
}

/**
 * 网格公示牌, to post in the grid: where the grid lies among its neighbours, who is on duty (photo,
 * role, phone), the supervising department, the duties, and a QR code to report a problem here.
 */
export async function noticeBoardPdf(
  font: PdfFont,
  data: NoticeData,
): Promise<{ pdf: Buffer; map: MapResult | null }> {
  const doc = newDocument(font, `${data.name} 网格公示牌`);
  const left = 50;
  const width = doc.page.width - 100;
  const bottom = doc.page.height - 70;
  doc
    .rect(30, 30, doc.page.width - 60, doc.page.height - 60)
    .lineWidth(3)
    .strokeColor(BLUE)
    .stroke();
  doc.fillColor(BLUE).fontSize(26).text('网格公示牌', left, 48, { width, align: 'center' });
  doc.fillColor('#000').fontSize(18).text(data.name, { width, align: 'center' });
  doc
    .fontSize(10)
    .fillColor('#555')
    .text(`${data.kindLabel}　编码：${data.code ?? '—'}`, { width, align: 'center' });
  doc.text(data.chain.join(' › '), { width, align: 'center', height: 14, ellipsis: true });
  let y = doc.y + 8;

  // Heights first, so the map takes what the people and the footer leave.
  const cards = data.people.slice(0, CARDS_MAX);
  const lines = data.people.slice(CARDS_MAX);
  const cardH = 86;
  const cardRows = Math.max(1, Math.ceil(cards.length / 3));
  const peopleH = 22 + cardRows * (cardH + 8) + Math.min(lines.length, LINES_MAX + 1) * 15;
  const lowerH = 178;
  let map: MapResult | null = null;
  if (data.geometry) {
    const mapH = Math.max(120, Math.min(320, bottom - y - peopleH - lowerH - 12));
    const view = new PdfMap({ x: left, y, w: width, h: mapH }, [data.geometry], 0.25);
    const features: MapFeature[] = [
      ...data.neighbours.map((n) => ({
        geometry: n.geometry,
        label: n.name,
        fill: '#eef1f5',
        stroke: '#9aa5b1',
        lineWidth: 0.75,
        labelSize: 8,
        labelColor: '#4b5563',
      })),
      { geometry: data.geometry, fill: '#d6e6fb', stroke: BLUE, lineWidth: 2.5 },
      ...data.children.map((c) => ({ geometry: c, stroke: '#6f93c4', lineWidth: 0.5 })),
      // The grid's own name last, on top of everything.
      {
        geometry: data.geometry,
        label: data.name,
        stroke: BLUE,
        lineWidth: 2.5,
        labelSize: 11,
        labelColor: BLUE,
      },
    ];
    map = await view.draw(doc, features, data.basemap);
    y += mapH + 12;
  }

  doc.fillColor('#000').fontSize(13).text('网格责任人', left, y);
  y += 22;
  if (data.people.length === 0) {
    doc.fontSize(11).fillColor('#777').text('（尚未安排）', left, y);
    y += cardH + 8;
  }
  const cardW = (width - 16) / 3;
  cards.forEach((p, i) => {
    personCard(doc, p, left + (i % 3) * (cardW + 8), y + Math.floor(i / 3) * (cardH + 8), cardW, cardH);
  });
  if (cards.length) y += cardRows * (cardH + 8);
  doc.fontSize(9.5).fillColor('#000');
  for (const p of lines.slice(0, LINES_MAX)) {
    doc.text(`${p.role}　${p.name}　${p.phone ?? '—'}`, left, y, { width, lineBreak: false, ellipsis: true });
    y += 15;
  }
  if (lines.length > LINES_MAX) {
    doc.fillColor('#777').text(`另有 ${lines.length - LINES_MAX} 人，见网格责任图`, left, y);
    y += 15;
  }

  // Lower block: department and duties on the left, the QR code on the right.
  y = Math.max(y + 4, bottom - lowerH);
  const qr = 116;
  const qrX = left + width - qr;
  const textW = width - qr - 24;
  doc.fillColor(BLUE).fontSize(11).text('主管部门', left, y);
  doc
    .fillColor('#000')
    .fontSize(12)
    .text(data.department ?? '（未设置）', left + 60, y - 1, { width: textW - 60 });
  doc
    .fillColor(BLUE)
    .fontSize(11)
    .text('工作职责', left, doc.y + 8);
  doc.fillColor('#000').fontSize(9.5);
  for (const [i, d] of data.duties.entries()) {
    if (doc.y > bottom - 14) break;
    doc.text(`${i + 1}. ${d}`, left + 4, doc.y + 3, {
      width: textW - 4,
      height: bottom - doc.y,
      ellipsis: true,
    });
  }
  doc
    .fillColor(BLUE)
    .fontSize(10.5)
    .text('扫码反映问题', qrX - 12, y, { width: qr + 24, align: 'center' });
  drawQr(doc, data.reportUrl, qrX, y + 16, qr);
  doc
    .fillColor('#333')
    .fontSize(7)
    .text(data.reportUrl, qrX - 30, y + 16 + qr + 3, {
      width: qr + 30,
      align: 'right',
      link: data.reportUrl,
    });

  const footer = data.phonesMasked
    ? `公示日期：${data.issuedOn}　　电话号码已隐去（打印人无查看完整号码的权限）`
    : `公示日期：${data.issuedOn}　　如有问题请联系网格责任人或拨打 12345`;
  doc
    .fontSize(9)
    .fillColor('#777')
    .text(footer, left, doc.page.height - 62, { width, align: 'center' });
  return { pdf: await finish(doc), map };
}
