import { finish, newDocument, type PdfFont } from './pdf.ts';
import { PdfMap, type MapFeature, type Shape } from './pdf-map.ts';

export interface ChartChild {
  name: string;
  code: string | null;
  kindLabel: string;
  geometry: Shape | null;
  /** "网格员 陈网格" … */
  people: string[];
}

export interface ChartRow {
  depth: number;
  name: string;
  code: string | null;
  kindLabel: string;
  people: string;
}

export interface ChartData {
  title: string;
  geometry: Shape | null;
  /** The node's own people on duty. */
  people: string[];
  children: ChartChild[];
  /** The whole subtree, in tree order (the appendix when it goes deeper than the children). */
  rows: ChartRow[];
  issuedOn: string;
}

const BLUE = '#1458a8';
/** Pale fills that tell neighbours apart and keep black text readable. */
const FILLS = ['#dbeafe', '#dcfce7', '#fef3c7', '#fce7f3', '#e0e7ff', '#ccfbf1', '#fee2e2', '#ede9fe'];

/**
 * A fill per child such that children whose boxes touch get different ones where the palette
 * allows (greedy colouring; boxes overlap more often than outlines share an edge, so this errs on
 * the safe side).
 */
function fillsFor(view: PdfMap, children: ChartChild[]): string[] {
  const boxes = children.map((c) => (c.geometry ? view.extent(c.geometry) : null));
  const touch = (a: (typeof boxes)[number], b: (typeof boxes)[number]) =>
    a !== null &&
    b !== null &&
    a.x <= b.x + b.w + 1 &&
    b.x <= a.x + a.w + 1 &&
    a.y <= b.y + b.h + 1 &&
    b.y <= a.y + a.h + 1;
  const chosen: number[] = [];
  boxes.forEach((box, i) => {
    const used = new Set(chosen.filter((_, j) => touch(box, boxes[j]!)));
    const free = FILLS.findIndex((_, k) => !used.has(k));
    chosen.push(free >= 0 ? free : i % FILLS.length);
  });
  return chosen.map((k) => FILLS[k]!);
}

function header(doc: PDFKit.PDFDocument, text: string, sub: string) {
  const width = doc.page.width - 80;
  doc.fillColor(BLUE).fontSize(18).text(text, 40, 36, { width, align: 'center' });
  doc.fillColor('#555').fontSize(9).text(sub, { width, align: 'center' });
}

/**
 * 网格责任图: a map of the node's children, each coloured and numbered, with the table of who is
 * on duty in each; then, for deeper subtrees, every grid below with its people.
 */
export async function responsibilityChartPdf(font: PdfFont, data: ChartData): Promise<Buffer> {
  const doc = newDocument(font, `${data.title} 网格责任图`, 'landscape');
  const title = `${data.title} 网格责任图`;
  const sub = `下辖 ${data.children.length} 个网格　制图日期：${data.issuedOn}`;
  header(doc, title, sub);
  const top = doc.y + 10;
  const bottom = doc.page.height - 40;
  const shapes = data.children.flatMap((c) => (c.geometry ? [c.geometry] : []));
  const fit = data.geometry ? [data.geometry] : shapes;
  const hasMap = fit.length > 0;
  const mapBox = { x: 40, y: top, w: 450, h: bottom - top };
  // Beside the map on the first page; across the page on the next ones.
  let tableX = hasMap ? mapBox.x + mapBox.w + 16 : 40;
  let tableW = doc.page.width - 40 - tableX;
  let fills = data.children.map((_, i) => FILLS[i % FILLS.length]!);

  if (hasMap) {
    const view = new PdfMap(mapBox, fit, 0.04);
    fills = fillsFor(view, data.children);
    const features: MapFeature[] = data.children.flatMap((c, i) =>
      c.geometry
        ? [
            {
              geometry: c.geometry,
              fill: fills[i]!,
              fillOpacity: 1,
              stroke: '#6b7f99',
              lineWidth: 0.75,
            },
          ]
        : [],
    );
    if (data.geometry) features.push({ geometry: data.geometry, stroke: BLUE, lineWidth: 2 });
    // Labels: number and name where the name fits inside the grid, else the number alone.
    data.children.forEach((c, i) => {
      if (!c.geometry) return;
      const n = String(i + 1);
      const full = `${n} ${c.name}`;
      const box = view.extent(c.geometry);
      doc.fontSize(8.5);
      const fits = doc.widthOfString(full) < box.w * 0.9 && box.h > 14;
      features.push({
        geometry: c.geometry,
        label: fits ? full : n,
        stroke: '#6b7f99',
        lineWidth: 0.75,
        labelSize: fits ? 8.5 : 7.5,
      });
    });
    await view.draw(doc, features, null);
  }

  // The table: number, colour, grid, people on duty.
  let y = top;
  const row = (cells: [string, string, string], opts: { swatch?: string; bold?: boolean } = {}) => {
    const nameW = () => Math.max(140, Math.min(240, tableW * 0.3));
    const height = () =>
      Math.max(
        14,
        doc.heightOfString(cells[1], { width: nameW() - 18 }),
        doc.heightOfString(cells[2], { width: tableW - nameW() - 4 }),
      );
    doc.fontSize(opts.bold ? 9 : 8.5);
    if (y + height() > bottom) {
      doc.addPage();
      header(doc, title, `${sub}（续）`);
      y = doc.y + 10;
      tableX = 40;
      tableW = doc.page.width - 80;
      doc.fontSize(opts.bold ? 9 : 8.5);
    }
    const h = height();
    if (opts.swatch)
      doc
        .rect(tableX, y + 1, 10, 10)
        .fillColor(opts.swatch)
        .fill();
    doc.fillColor(opts.bold ? BLUE : '#000');
    doc.text(cells[0], tableX, y + 1, {
      width: 10,
      align: 'center',
      lineBreak: false,
    });
    doc.text(cells[1], tableX + 16, y, { width: nameW() - 18 });
    doc
      .fillColor(opts.bold ? BLUE : '#111')
      .text(cells[2], tableX + nameW(), y, { width: tableW - nameW() - 4 });
    y += h + 3;
    doc
      .moveTo(tableX, y - 1.5)
      .lineTo(tableX + tableW, y - 1.5)
      .lineWidth(0.25)
      .strokeColor('#d1d5db')
      .stroke();
  };
  row(['', '网格', '责任人'], { bold: true });
  if (data.people.length) row(['', `${data.title}（本级）`, data.people.join('、')]);
  data.children.forEach((c, i) => {
    const name = c.geometry ? c.name : `${c.name}（无边界）`;
    row([String(i + 1), name, c.people.join('、') || '（尚未安排）'], { swatch: fills[i] });
  });
  if (data.children.length === 0) row(['', '（无下级网格）', '']);

  // Appendix: the whole subtree, indented, when it goes deeper than the children.
  const minDepth = Math.min(...data.rows.map((r) => r.depth));
  if (data.rows.some((r) => r.depth > minDepth + 1)) {
    const width = doc.page.width - 80;
    const appendix = () => header(doc, `${data.title} 网格责任人一览`, `共 ${data.rows.length} 个网格`);
    doc.addPage();
    appendix();
    doc.moveDown(0.5);
    for (const r of data.rows) {
      if (doc.y > doc.page.height - 60) {
        doc.addPage();
        appendix();
        doc.moveDown(0.5);
      }
      const indent = 40 + (r.depth - minDepth) * 18;
      const ry = doc.y;
      doc
        .fillColor('#000')
        .fontSize(10)
        .text(r.name, indent, ry, { width: Math.max(60, 260 - (indent - 40)) });
      const after = doc.y;
      doc
        .fillColor('#777')
        .fontSize(8.5)
        .text(`${r.kindLabel} ${r.code ?? ''}`, 300, ry, { width: 150 });
      doc
        .fillColor('#000')
        .fontSize(9)
        .text(r.people || '（无）', 450, ry, { width: width - 410 });
      doc.y = Math.max(doc.y, after);
      doc
        .moveTo(indent, doc.y + 1)
        .lineTo(width + 40, doc.y + 1)
        .lineWidth(0.25)
        .strokeColor('#ddd')
        .stroke();
      doc.y += 4;
    }
  }
  return finish(doc);
}
