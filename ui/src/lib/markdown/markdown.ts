// Markdown notes as a safe tree. `marked`'s lexer turns the text into tokens; we keep only the
// kinds we know how to draw as Svelte elements and text nodes, and never produce HTML strings.
// Raw HTML in a note becomes visible text; links become "text (URL)" for http/https only and are
// never navigable inside the app.

import { Lexer, type Token, type Tokens } from "marked";

export type Inline =
  | { t: "text"; text: string }
  | { t: "strong" | "em" | "del"; children: Inline[] }
  | { t: "code"; text: string }
  | { t: "link"; children: Inline[]; url: string | null }
  | { t: "br" };

export type Block =
  | { t: "p"; children: Inline[] }
  | { t: "heading"; depth: number; children: Inline[] }
  | { t: "code"; text: string }
  | { t: "quote"; children: Block[] }
  | { t: "list"; ordered: boolean; items: Block[][] }
  | { t: "hr" }
  | { t: "text"; text: string };

/** Only absolute http(s) URLs are shown; anything else (javascript:, data:, relative) is dropped. */
export function safeUrl(href: string): string | null {
  try {
    const url = new URL(href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function inline(tokens: Token[] | undefined): Inline[] {
  const out: Inline[] = [];
  for (const token of tokens ?? []) {
    switch (token.type) {
      case "strong":
      case "em":
      case "del":
        out.push({ t: token.type, children: inline((token as Tokens.Strong).tokens) });
        break;
      case "codespan":
        out.push({ t: "code", text: (token as Tokens.Codespan).text });
        break;
      case "link": {
        const link = token as Tokens.Link;
        out.push({ t: "link", children: inline(link.tokens), url: safeUrl(link.href) });
        break;
      }
      case "image": {
        const image = token as Tokens.Image;
        out.push({ t: "link", children: [{ t: "text", text: image.text }], url: safeUrl(image.href) });
        break;
      }
      case "br":
        out.push({ t: "br" });
        break;
      case "text": {
        const text = token as Tokens.Text;
        if (text.tokens?.length) out.push(...inline(text.tokens));
        else out.push({ t: "text", text: decode(text.text) });
        break;
      }
      case "escape":
        out.push({ t: "text", text: decode((token as Tokens.Escape).text) });
        break;
      default:
        // html, and anything unknown: the source as typed, as text.
        out.push({ t: "text", text: token.raw });
    }
  }
  return out;
}

/** marked escapes &, <, >, " and ' in text tokens; text nodes need the characters back. */
function decode(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

function blocks(tokens: Token[]): Block[] {
  const out: Block[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case "space":
        break;
      case "paragraph":
        out.push({ t: "p", children: inline((token as Tokens.Paragraph).tokens) });
        break;
      case "heading": {
        const h = token as Tokens.Heading;
        out.push({ t: "heading", depth: Math.min(6, Math.max(1, h.depth)), children: inline(h.tokens) });
        break;
      }
      case "code":
        out.push({ t: "code", text: (token as Tokens.Code).text });
        break;
      case "blockquote":
        out.push({ t: "quote", children: blocks((token as Tokens.Blockquote).tokens) });
        break;
      case "list": {
        const list = token as Tokens.List;
        out.push({ t: "list", ordered: list.ordered, items: list.items.map((item) => blocks(item.tokens)) });
        break;
      }
      case "hr":
        out.push({ t: "hr" });
        break;
      case "text": {
        const text = token as Tokens.Text;
        out.push({ t: "p", children: text.tokens?.length ? inline(text.tokens) : [{ t: "text", text: decode(text.text) }] });
        break;
      }
      default:
        // html blocks, tables and anything else: shown as the text the user typed.
        out.push({ t: "text", text: token.raw });
    }
  }
  return out;
}

export function parseNote(markdown: string): Block[] {
  return blocks(new Lexer({ gfm: true }).lex(markdown));
}
