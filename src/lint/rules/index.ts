import type { Rule } from '../rule.js';
import { addHeaderRedefinition } from './add-header-redefinition.js';
import { aliasTraversal } from './alias-traversal.js';
import { backupWithHash } from './backup-with-hash.js';
import { balancerAfterSticky } from './balancer-after-sticky.js';
import { consistentHashHugeWeight } from './consistent-hash-huge-weight.js';
import { directiveArguments } from './directive-arguments.js';
import { directiveNotAllowedHere } from './directive-not-allowed-here.js';
import { downPlaceholder } from './down-placeholder.js';
import { hashCookieNotConsistent } from './hash-cookie-not-consistent.js';
import { headerCrlfInjection } from './header-crlf-injection.js';
import { hostFromHttpHost } from './host-from-http-host.js';
import { http2DirectiveUnsupported } from './http2-directive-unsupported.js';
import { http2PushObsolete } from './http2-push-obsolete.js';
import { ipHashBehindProxy } from './ip-hash-behind-proxy.js';
import { keepaliveBoilerplate } from './keepalive-boilerplate.js';
import { keepaliveWithoutHttp11 } from './keepalive-without-http11.js';
import { listenHttp2Deprecated } from './listen-http2-deprecated.js';
import { listenParameterUnsupported } from './listen-parameter-unsupported.js';
import { longFailTimeout } from './long-fail-timeout.js';
import { multipleBalancers } from './multiple-balancers.js';
import { obsoleteDirective } from './obsolete-directive.js';
import { plainHttp2Listener } from './plain-http2-listener.js';
import { proxyHttpVersion2Unsupported } from './proxy-http-version-2-unsupported.js';
import { proxyPassWithoutResolver } from './proxy-pass-without-resolver.js';
import { proxySetHeaderRedefinition } from './proxy-set-header-redefinition.js';
import { resolveWithoutZone } from './resolve-without-zone.js';
import { samesiteNoneWithoutSecure } from './samesite-none-without-secure.js';
import { serverParameterInvalid } from './server-parameter-invalid.js';
import { sslOnRemoved } from './ssl-on-removed.js';
import { ssrfVariableProxyPass } from './ssrf-variable-proxy-pass.js';
import { stickyCookieNotSecure } from './sticky-cookie-not-secure.js';
import { stickyUnsupported } from './sticky-unsupported.js';
import { unconditionalUpgrade } from './unconditional-upgrade.js';
import { unknownDirective } from './unknown-directive.js';
import { validReferersNone } from './valid-referers-none.js';
import { websocketOverHttp2 } from './websocket-over-http2.js';

/** Every rule, in the order of their ids. */
export const allRules: readonly Rule[] = [
  addHeaderRedefinition,
  aliasTraversal,
  backupWithHash,
  balancerAfterSticky,
  consistentHashHugeWeight,
  directiveArguments,
  directiveNotAllowedHere,
  downPlaceholder,
  hashCookieNotConsistent,
  headerCrlfInjection,
  hostFromHttpHost,
  http2DirectiveUnsupported,
  http2PushObsolete,
  ipHashBehindProxy,
  keepaliveBoilerplate,
  keepaliveWithoutHttp11,
  listenHttp2Deprecated,
  listenParameterUnsupported,
  longFailTimeout,
  multipleBalancers,
  obsoleteDirective,
  plainHttp2Listener,
  proxyHttpVersion2Unsupported,
  proxyPassWithoutResolver,
  proxySetHeaderRedefinition,
  resolveWithoutZone,
  samesiteNoneWithoutSecure,
  serverParameterInvalid,
  sslOnRemoved,
  ssrfVariableProxyPass,
  stickyCookieNotSecure,
  stickyUnsupported,
  unconditionalUpgrade,
  unknownDirective,
  validReferersNone,
  websocketOverHttp2,
];
