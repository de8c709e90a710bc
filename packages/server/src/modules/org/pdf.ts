import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import type { MultiPolygon, Polygon } from 'geojson';
import { AppError } from '../../core/http/errors.ts';

/** Where CJK fonts usually are: Debian/Ubuntu (fonts-noto-cjk, wqy), macOS, Windows. */
const CANDIDATES: [string, string | undefined][] = [
  ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', 'NotoSansCJKsc-Regular'],
  ['/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', 'NotoSansCJKsc-Regular'],
  ['/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', 'NotoSansCJKsc-Regular'],
  ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', 'WenQuanYiMicroHei'],
  ['/System/Library/Fonts/PingFang.ttc', 'PingFangSC-Regular'],
  ['C:\\Windows\\Fonts\\msyh.ttc', 'MicrosoftYaHei'],
];

export interface PdfFont {
  path: string;
  /** Face inside a font collection (.ttc). */
  family?: string;
}

export function findPdfFont(configured: string | null): PdfFont {
  if (configured) {
    if (!fs.existsSync(configured))
      throw new AppError('PDF_FONT_MISSING', `WANGGE_PDF_FONT 指定的字体文件不存在：${configured}`);
    const family = configured.toLowerCase().endsWith('.ttc')
      ? CANDIDATES.find(([p]) => p === configured)?.[1]
      : undefined;
    return { path: configured, ...(family ? { family } : {}) };
  }
  for (const [path, family] of CANDIDATES)
    if (fs.existsSync(path)) return { path, ...(family ? { family } : {}) };
  throw new AppError('PDF_FONT_MISSING');
}

function newDocument(font: PdfFont, title: string, layout: 'portrait' | 'landscape' = 'portrait') {
  const doc = new PDFDocument({
    size: 'A4',
    layout,
    margin: 40,
    info: { Title: title, Producer: 'Wangge 网格', Creator: 'Wangge 网格' },
  });
  // The font is embedded (as a subset of the glyphs used), so the PDF reads the same everywhere.
  doc.registerFont('cjk', font.path, font.family);
  doc.font('cjk');
  return doc;
}

function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

type Ring = number[][];

function ringsOf(g: Polygon | MultiPolygon): Ring[] {
  return g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
}

/** Draws polygons into a box, longitude scaled by cos(latitude) so shapes are not stretched. */
function drawOutline(
  doc: PDFKit.PDFDocument,
  main: Polygon | MultiPolygon,
  children: (Polygon | MultiPolygon)[],
  box: { x: number; y: number; w: number; h: number },
) {
  // A loop, not Math.min(...points): real outlines can have more points than the call stack holds.
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const ring of [main, ...children].flatMap(ringsOf)) {
    for (const p of ring) {
      if (p[0]! < minX) minX = p[0]!;
      if (p[0]! > maxX) maxX = p[0]!;
      if (p[1]! < minY) minY = p[1]!;
      if (p[1]! > maxY) maxY = p[1]!;
    }
  }
  const k = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const scale = Math.min(box.w / Math.max((maxX - minX) * k, 1e-9), box.h / Math.max(maxY - minY, 1e-9));
  const ox = box.x + (box.w - (maxX - minX) * k * scale) / 2;
  const oy = box.y + (box.h - (maxY - minY) * scale) / 2;
  const path = (ring: Ring) => {
    ring.forEach(([x, y], i) => {
      const px = ox + (x! - minX) * k * scale;
      const py = oy + (maxY - y!) * scale;
      if (i === 0) doc.moveTo(px, py);
      else doc.lineTo(px, py);
    });
    doc.closePath();
  };
  doc.save();
  for (const c of children) {
    for (const ring of ringsOf(c)) path(ring);
    doc.lineWidth(0.5).strokeColor('#8aa4c8').stroke();
  }
  for (const ring of ringsOf(main)) path(ring);
  doc.lineWidth(2).strokeColor('#1458a8').stroke();
  doc.restore();
}

export interface NoticeData {
  name: string;
  code: string | null;
  kindLabel: string;
  chain: string[];
  geometry: Polygon | MultiPolygon | null;
  children: (Polygon | MultiPolygon)[];
  people: { role: string; name: string; phone: string | null; organisation: string | null }[];
  duties: string[];
  issuedOn: string;
}

/** 网格公示牌: who is responsible for this grid, how to reach them, and what they do. */
export async function noticeBoardPdf(font: PdfFont, data: NoticeData): Promise<Buffer> {
  const doc = newDocument(font, `${data.name} 网格公示牌`);
  const width = doc.page.width - 80;
  doc
    .rect(30, 30, doc.page.width - 60, doc.page.height - 60)
    .lineWidth(3)
    .strokeColor('#1458a8')
    .stroke();
  doc.fillColor('#1458a8').fontSize(26).text('网格公示牌', 40, 50, { width, align: 'center' });
  doc.fillColor('#000').fontSize(18).text(data.name, { width, align: 'center' });
  doc
    .fontSize(10)
    .fillColor('#555')
    .text(`${data.kindLabel}　编码：${data.code ?? '—'}`, { width, align: 'center' });
  doc.text(data.chain.join(' › '), { width, align: 'center' });
  let y = doc.y + 12;
  if (data.geometry) {
    drawOutline(doc, data.geometry, data.children, { x: 60, y, w: width - 40, h: 260 });
    y += 272;
  }
  doc.fillColor('#000').fontSize(14).text('网格责任人', 50, y);
  y = doc.y + 4;
  const cols = [50, 170, 290, 420];
  doc.fontSize(10).fillColor('#555');
  ['职责', '姓名', '联系电话', '单位'].forEach((h, i) => doc.text(h, cols[i]!, y));
  y += 16;
  doc
    .moveTo(50, y - 3)
    .lineTo(width + 30, y - 3)
    .lineWidth(0.5)
    .strokeColor('#999')
    .stroke();
  doc.fillColor('#000').fontSize(11);
  if (data.people.length === 0) {
    doc.text('（尚未安排）', 50, y);
    y += 18;
  }
  for (const p of data.people) {
    doc.text(p.role, cols[0]!, y);
    doc.text(p.name, cols[1]!, y);
    doc.text(p.phone ?? '—', cols[2]!, y);
    doc.text(p.organisation ?? '', cols[3]!, y, { width: width + 30 - cols[3]! });
    y += 18;
  }
  doc.fontSize(14).text('工作职责', 50, y + 10);
  doc.fontSize(10.5);
  for (const [i, d] of data.duties.entries())
    doc.text(`${i + 1}. ${d}`, 60, doc.y + 3, { width: width - 30 });
  doc
    .fontSize(9)
    .fillColor('#777')
    .text(`公示日期：${data.issuedOn}　　如有问题请联系网格责任人或拨打 12345`, 40, doc.page.height - 70, {
      width,
      align: 'center',
    });
  return finish(doc);
}

export interface ChartRow {
  depth: number;
  name: string;
  code: string | null;
  kindLabel: string;
  people: string;
}

/** 责任图: the subtree as an indented chart, each grid with its people on duty. */
export async function responsibilityChartPdf(
  font: PdfFont,
  title: string,
  rows: ChartRow[],
  issuedOn: string,
): Promise<Buffer> {
  const doc = newDocument(font, `${title} 网格责任图`, 'landscape');
  const width = doc.page.width - 80;
  const header = () => {
    doc.fillColor('#1458a8').fontSize(18).text(`${title} 网格责任图`, 40, 40, { width, align: 'center' });
    doc
      .fillColor('#555')
      .fontSize(9)
      .text(`共 ${rows.length} 个网格　制表日期：${issuedOn}`, { width, align: 'center' });
    doc.moveDown(0.5);
  };
  header();
  const minDepth = Math.min(...rows.map((r) => r.depth));
  for (const r of rows) {
    if (doc.y > doc.page.height - 60) {
      doc.addPage();
      header();
    }
    const indent = 40 + (r.depth - minDepth) * 18;
    const y = doc.y;
    doc
      .fillColor('#000')
      .fontSize(10.5)
      .text(`${r.name}`, indent, y, { continued: false, width: 260 - (indent - 40) });
    doc
      .fillColor('#777')
      .fontSize(8.5)
      .text(`${r.kindLabel} ${r.code ?? ''}`, 300, y, { width: 150 });
    doc
      .fillColor('#000')
      .fontSize(9.5)
      .text(r.people || '（无）', 450, y, { width: width - 410 });
    doc
      .moveTo(indent, doc.y + 1)
      .lineTo(width + 40, doc.y + 1)
      .lineWidth(0.25)
      .strokeColor('#ddd')
      .stroke();
    doc.y += 4;
  }
  return finish(doc);
}
