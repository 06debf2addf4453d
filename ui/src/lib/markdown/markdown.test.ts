import { render } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import Markdown from "./Markdown.svelte";
import { parseNote, safeUrl } from "./markdown";

const drawn = (source: string) => render(Markdown, { props: { source } }).container;

describe("Markdown notes", () => {
  it("draws Markdown as elements", () => {
    const el = drawn("# Rolled back\n\n**bold** _em_ `code`\n\n- one\n- two\n\n```\nx < y\n```");
    expect(el.querySelector("strong")?.textContent).toBe("bold");
    expect(el.querySelector("em")?.textContent).toBe("em");
    expect(el.querySelector("code")?.textContent).toBe("code");
    expect(el.querySelectorAll("li")).toHaveLength(2);
    expect(el.querySelector("pre")?.textContent).toBe("x < y");
  });

  it("shows HTML as text and never creates script, img, iframe or a link", () => {
    const el = drawn(
      'Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> <a href="https://e.com">a</a>\n\n<iframe src="https://e.com"></iframe>\n\n![pic](https://e.com/p.png)',
    );
    for (const tag of ["script", "img", "iframe", "a"]) expect(el.querySelector(tag)).toBeNull();
    expect(el.textContent).toContain("<script>alert(1)</script>");
    expect(el.textContent).toContain('<img src=x onerror="alert(2)">');
    expect(el.textContent).toContain('<iframe src="https://e.com"></iframe>');
    expect(el.querySelector("[onerror], [src], [href]")).toBeNull();
    expect(el.innerHTML).not.toMatch(/<script/i);
  });

  it("shows http(s) links as text plus URL and drops other schemes", () => {
    const el = drawn("[runbook](https://example.com/rb) [x](javascript:alert(1)) [y](data:text/html,hi) [z](/rel)");
    const links = [...el.querySelectorAll('[data-testid="note-link"]')].map((l) => l.textContent);
    expect(links).toEqual(["runbook (https://example.com/rb)", "x", "y", "z"]);
    expect(el.textContent).not.toContain("javascript:");
    expect(safeUrl("HTTPS://EXAMPLE.com")).toBe("https://example.com/");
    expect(safeUrl("javascript:alert(1)")).toBeNull();
  });

  it("keeps characters marked escaped, exactly as typed", () => {
    expect(drawn("a & b < c \"q\" 'x'").textContent).toBe("a & b < c \"q\" 'x'");
    expect(parseNote("")).toEqual([]);
  });
});
