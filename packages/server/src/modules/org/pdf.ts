import fs from 'node:fs';
import PDFDocument from 'pdfkit';
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

export function newDocument(font: PdfFont, title: string, layout: 'portrait' | 'landscape' = 'portrait') {
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

export function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}
