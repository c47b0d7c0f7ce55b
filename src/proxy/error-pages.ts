/**
 * The pages nginx writes itself for error statuses
 * (src/http/ngx_http_special_response.c), with server_tokens on: the tail
 * names nginx and its version. Browsers that would hide a short error page
 * (User-Agent with "MSIE " or "Chrome/") get six comment lines of padding on
 * 4xx and 5xx pages, as msie_padding does by default.
 */

/** Titles by status; 494 is nginx's "request header too large", sent with status 400. */
const titles: Record<number, { title: string; heading?: string; detail?: string }> = {
  301: { title: '301 Moved Permanently' },
  400: { title: '400 Bad Request' },
  403: { title: '403 Forbidden' },
  404: { title: '404 Not Found' },
  405: { title: '405 Not Allowed' },
  408: { title: '408 Request Time-out' },
  411: { title: '411 Length Required' },
  413: { title: '413 Request Entity Too Large' },
  414: { title: '414 Request-URI Too Large' },
  429: { title: '429 Too Many Requests' },
  494: { title: '400 Request Header Or Cookie Too Large', heading: '400 Bad Request', detail: 'Request Header Or Cookie Too Large' },
  500: { title: '500 Internal Server Error' },
  501: { title: '501 Not Implemented' },
  502: { title: '502 Bad Gateway' },
  503: { title: '503 Service Temporarily Unavailable' },
  504: { title: '504 Gateway Time-out' },
  505: { title: '505 HTTP Version Not Supported' },
};

const padding = '<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n'.repeat(6);

export interface ErrorPage {
  /** The status on the wire: 494 goes out as 400. */
  status: number;
  body: Buffer;
}

/** nginx statuses that close an HTTP/1 connection after the error page (ngx_http_special_response_handler()). */
export const closingStatuses: ReadonlySet<number> = new Set([400, 413, 414, 494, 497, 495, 496, 500, 501]);

/** Builds nginx's page for a status, or an empty body for statuses nginx has no page for. */
export function errorPage(status: number, nginxVersion: string, userAgent: string | undefined): ErrorPage {
  const entry = titles[status];
  const wireStatus = status === 494 ? 400 : status;
  if (!entry) return { status: wireStatus, body: Buffer.alloc(0) };

  let text = `<html>\r\n<head><title>${entry.title}</title></head>\r\n<body>\r\n<center><h1>${entry.heading ?? entry.title}</h1></center>\r\n`;
  if (entry.detail) text += `<center>${entry.detail}</center>\r\n`;
  text += `<hr><center>nginx/${nginxVersion}</center>\r\n</body>\r\n</html>\r\n`;
  const browser = userAgent !== undefined && (userAgent.includes('MSIE ') || userAgent.includes('Chrome/'));
  if (browser && status >= 400) text += padding;
  return { status: wireStatus, body: Buffer.from(text, 'latin1') };
}
