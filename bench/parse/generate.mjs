// Writes a large, valid nginx configuration for the parse benchmark: upstream
// blocks, maps and server blocks with locations, in the shapes the fixtures
// use, until it reaches the requested number of lines. The output depends
// only on the line count, so every run parses the same bytes.
import { writeFileSync } from 'node:fs';

/** Returns configuration text of about `targetLines` lines that nginx 1.22 accepts. */
export function generateConfig(targetLines) {
  const lines = [
    'worker_processes 1;',
    'events {',
    '    worker_connections 1024;',
    '}',
    'http {',
    '    server_names_hash_max_size 65536;',
    '    server_names_hash_bucket_size 128;',
    '    map_hash_max_size 65536;',
    '    map_hash_bucket_size 128;',
    '    log_format bench \'$remote_addr "$request" $status $upstream_addr\';',
  ];

  // One map for every site, as large configurations usually have: per-site variables would make nginx build a huge variables hash.
  const mapEntries = [];
  const siteLines = [];
  for (let site = 0; lines.length + mapEntries.length + siteLines.length < targetLines - 6; site++) {
    mapEntries.push(`        site${site}.example.com "${site % 2 === 0 ? 'a' : 'b'}";`);
    const octet = (site % 250) + 1;
    const block = Math.floor(site / 250) % 250;
    siteLines.push(
      `    # site ${site}`,
      `    upstream site${site}_app {`,
      '        least_conn;',
      `        server 10.${block}.${octet}.10:8080 weight=2 max_fails=3 fail_timeout=10s;`,
      `        server 10.${block}.${octet}.11:8080 max_fails=3 fail_timeout=10s;`,
      `        server 10.${block}.${octet}.12:8080 backup;`,
      '        keepalive 16;',
      '    }',
      '    server {',
      '        listen 8080;',
      `        server_name site${site}.example.com www.site${site}.example.com;`,
      `        root /srv/site${site}/public;`,
      `        access_log /dev/null bench;`,
      '        add_header X-Frame-Options "SAMEORIGIN" always;',
      '        add_header X-Variant $site_variant;',
      '        location / {',
      '            try_files $uri $uri/ @app;',
      '        }',
      '        location @app {',
      `            proxy_pass http://site${site}_app;`,
      '            proxy_http_version 1.1;',
      '            proxy_set_header Connection "";',
      '            proxy_set_header Host $host;',
      '            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      '            proxy_read_timeout 30s;',
      '        }',
      '        location ~* \\.(?:css|js|png|jpg|svg)$ {',
      '            expires 7d;',
      '            access_log off;',
      '        }',
      '        location /api/ {',
      '            if ($request_method = OPTIONS) {',
      '                return 204;',
      '            }',
      `            proxy_pass http://site${site}_app;`,
      '            proxy_set_header Host $host;',
      '        }',
      '    }',
    );
  }

  lines.push('    map $host $site_variant {', '        hostnames;', '        default "none";', ...mapEntries, '    }', ...siteLines, '}');
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const [, , output, count = '100000'] = process.argv;
  const usage = 'usage: node bench/parse/generate.mjs OUTPUT [LINES]\nWrites a valid nginx configuration of about LINES lines (default 100000) to OUTPUT.\n';
  if (output === '--help' || output === '-h') {
    process.stdout.write(usage);
    process.exit(0);
  }
  // A file name that starts with "-" is almost always a mistyped option.
  if (!output || output.startsWith('-') || !/^[1-9][0-9]*$/.test(count)) {
    process.stderr.write(usage);
    process.exit(2);
  }
  writeFileSync(output, generateConfig(Number(count)));
}
