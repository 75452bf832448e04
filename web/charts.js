// parley's chart helpers, shared by the report and the classroom pages. Chart.js (Debian's
// libjs-chart.js, embedded in the page) is loaded before this file.
'use strict';

const Parley = (function () {
  // Option k gets colour k on every chart of a page.
  const palette = ['#1f5fa8', '#d2691e', '#2e8b57', '#8e44ad', '#c0392b', '#16a085', '#b8860b',
                   '#2c3e50', '#e84393', '#7f8c8d'];
  const verdictColours = {
    'better': '#2e8b57', 'worse': '#c0392b', 'higher': '#1f5fa8', 'lower': '#d2691e',
    'no clear difference': '#8a8f98', 'no practical difference': '#b9bec6', 'no pairs': '#c8c8c8',
  };

  function colour(index, alpha) {
    const hex = palette[index % palette.length];
    if (alpha === undefined) return hex;
    const n = parseInt(hex.slice(1), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }

  // Numbers as a reader wants them: 3 significant digits, no exponent for everyday sizes.
  function fmt(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    const d = digits === undefined ? 3 : digits;
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(d - 1);
    return Number(v.toPrecision(d)).toLocaleString('en-US', { maximumFractionDigits: 6 });
  }
  function signed(v, digits) {
    const s = fmt(v, digits);
    return v > 0 ? '+' + s : s;
  }

  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') e.textContent = v;
      else if (k === 'className') e.className = v;
      else e.setAttribute(k, v);
    }
    for (const c of children || []) if (c) e.append(c);
    return e;
  }

  function csvCell(v) {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function toCsv(rows) {
    return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
  }

  function slug(text) {
    return String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
      .slice(0, 60) || 'chart';
  }

  // A label as lines of at most `width` characters, broken at spaces (Chart.js draws an array
  // as several lines).
  function wrap(label, width) {
    const lines = [];
    let line = '';
    for (const word of String(label).split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + ' ' + word : word;
      }
    }
    if (line) lines.push(line);
    return lines.length > 1 ? lines : lines[0] || '';
  }

  // A tick callback that cuts category labels to `width` characters.
  function cutTick(width) {
    return function (value) {
      const t = String(this.getLabelForValue(value));
      return t.length > width ? t.slice(0, width - 1) + '…' : t;
    };
  }

  function download(filename, href) {
    const a = el('a', { href, download: filename });
    document.body.append(a);
    a.click();
    a.remove();
  }

  // Charts are drawn on a white background so that a downloaded PNG reads on any slide.
  Chart.register({
    id: 'parleyBackground',
    beforeDraw(chart) {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.globalCompositeOperation = 'destination-over';
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  });

  // options.plugins.parleyZero = { axis: 'x' }: a reference line at 0 (forest plots).
  Chart.register({
    id: 'parleyZero',
    afterDatasetsDraw(chart, args, opts) {
      if (!opts || !opts.axis) return;
      const scale = chart.scales[opts.axis];
      if (!scale || scale.min > 0 || scale.max < 0) return;
      const { ctx, chartArea } = chart;
      const p = scale.getPixelForValue(0);
      ctx.save();
      ctx.strokeStyle = '#333';
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      if (opts.axis === 'x') {
        ctx.moveTo(p, chartArea.top);
        ctx.lineTo(p, chartArea.bottom);
      } else {
        ctx.moveTo(chartArea.left, p);
        ctx.lineTo(chartArea.right, p);
      }
      ctx.stroke();
      ctx.restore();
    },
  });

  // A dataset with `whiskers: [[low, high], ...]` gets an interval drawn across each bar, and
  // one with `markers: [value, ...]` a dot at each value (horizontal bar charts).
  Chart.register({
    id: 'parleyIntervals',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const x = chart.scales.x;
      chart.data.datasets.forEach((ds, i) => {
        const meta = chart.getDatasetMeta(i);
        if (meta.hidden || (!ds.whiskers && !ds.markers)) return;
        meta.data.forEach((bar, j) => {
          const y = bar.y;
          ctx.save();
          if (ds.whiskers && ds.whiskers[j]) {
            const [lo, hi] = ds.whiskers[j];
            if (lo !== null && hi !== null) {
              const a = x.getPixelForValue(lo), b = x.getPixelForValue(hi);
              ctx.strokeStyle = '#222';
              ctx.lineWidth = 1.2;
              ctx.beginPath();
              ctx.moveTo(a, y); ctx.lineTo(b, y);
              ctx.moveTo(a, y - 4); ctx.lineTo(a, y + 4);
              ctx.moveTo(b, y - 4); ctx.lineTo(b, y + 4);
              ctx.stroke();
            }
          }
          if (ds.markers && ds.markers[j] !== null && ds.markers[j] !== undefined) {
            ctx.fillStyle = '#111';
            ctx.beginPath();
            ctx.arc(x.getPixelForValue(ds.markers[j]), y, 4, 0, 2 * Math.PI);
            ctx.fill();
          }
          ctx.restore();
        });
      });
    },
  });

  Chart.defaults.font.family =
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  Chart.defaults.color = '#1d2330';
  // Drawn at once: pages print and screenshot the same as they show.
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  // A figure with a title, a line on how to read it, a canvas, and PNG and CSV buttons.
  // spec: { title, note, filename, tall, csv: () => rows, config: Chart.js config }.
  function chartFigure(parent, spec) {
    const canvas = el('canvas', { role: 'img', 'aria-label': spec.title });
    const box = el('div', { className: 'canvas-box' + (spec.tall ? ' tall' : '') }, [canvas]);
    if (spec.height) box.style.height = spec.height + 'px';
    const name = spec.filename || slug(spec.title);
    const png = el('button', { type: 'button', text: 'PNG', title: 'Download this chart as a PNG image' });
    const csv = el('button', { type: 'button', text: 'CSV', title: 'Download the numbers behind this chart' });
    const fig = el('figure', { className: 'chart', 'data-chart': name }, [
      el('figcaption', {}, [el('h3', { text: spec.title }), el('span', { className: 'tools' }, [png, csv])]),
      // A line under the title that qualifies the whole chart (e.g. how far the outcome moves);
      // `warn` marks it as a caution.
      spec.subtitle ? el('p', { className: 'chart-subtitle' + (spec.warn ? ' warn' : ''), text: spec.subtitle }) : null,
      spec.note ? el('p', { className: 'note', text: spec.note }) : null,
      box,
    ]);
    parent.append(fig);
    const chart = new Chart(canvas, spec.config);
    png.addEventListener('click', () => download(name + '.png', chart.toBase64Image('image/png', 1)));
    csv.addEventListener('click', () => {
      const blob = new Blob([toCsv(spec.csv())], { type: 'text/csv' });
      const url = URL.createObjectURL(blob);
      download(name + '.csv', url);
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
    return chart;
  }

  // A legend entry per option that shows or hides every dataset of that option (fan charts
  // draw three datasets per option: band edges and median).
  function optionLegend(labelOf) {
    return {
      labels: {
        filter: (item, data) => data.datasets[item.datasetIndex].legend !== false,
        generateLabels: (chart) => Chart.defaults.plugins.legend.labels.generateLabels(chart)
          .map((item) => Object.assign(item, { text: labelOf(chart.data.datasets[item.datasetIndex]) })),
      },
      onClick: (e, item, legend) => {
        const chart = legend.chart;
        const group = chart.data.datasets[item.datasetIndex].group;
        const visible = chart.isDatasetVisible(item.datasetIndex);
        chart.data.datasets.forEach((ds, i) => {
          if (ds.group === group) chart.setDatasetVisibility(i, !visible);
        });
        chart.update();
      },
    };
  }

  function table(headers, rows, numeric) {
    const head = el('tr', {}, headers.map((h) => el('th', { text: h })));
    const body = rows.map((r) => el('tr', {}, r.map((c, i) => {
      if (c instanceof Node) return el('td', {}, [c]);
      return el('td', { text: c, className: numeric && numeric[i] ? 'num' : '' });
    })));
    return el('div', { className: 'table-box' },
      [el('table', { className: 'data' }, [el('thead', {}, [head]), el('tbody', {}, body)])]);
  }

  // One actor's choice in one turn as `parley explain` tells it, from an element of the
  // "choices" of its JSON (the classroom debrief and the report carry the same): a row for
  // passing, then every move of the actor with its value, cost, score against passing (score =
  // value - value of passing - cost; passing scores 0), its chance of being chosen, and under it
  // what it changes (replies that differ from those to passing, timeline rows it triggers), or
  // what blocked it. `names` maps move ids to names (optional). Numbers rounded to 4 decimals;
  // the JSON holds them in full.
  function whyTable(choice, names) {
    const n = names || {};
    const dec = (v, d) => {
      const s = v.toFixed(d === undefined ? 4 : d);
      return /^-0\.0*$/.test(s) ? s.slice(1) : s;
    };
    const sgn = (v) => (v > 0 ? '+' : '') + dec(v);
    const who = (r) => `${r.actor} ${r.move === null ? 'passes' : r.move}`;
    const passReply = {};
    for (const r of choice.pass.replies) passReply[r.actor] = r.move;
    const scored = choice.moves.some((m) => m.available);
    const move = (id) => el('span', { text: id, title: n[id] || '' });
    const notes = (replies, rows) => {
      const parts = replies.filter((r) => passReply[r.actor] !== r.move).map((r) => `${who(r)}`);
      const text = [];
      if (parts.length) text.push('replies: ' + parts.join(', '));
      for (const r of rows) text.push(`triggers line ${r.line} ${r.move} (p ${dec(r.probability, 3)}, ${sgn(r.gain)} if it fires)`);
      return text.length ? el('div', { className: 'why-note', text: text.join('; ') }) : null;
    };
    const head = el('tr', {}, ['candidate', 'available / why not', 'value', 'cost', 'score', 'probability', 'chosen']
      .map((h) => el('th', { text: h })));
    const body = [];
    const passExpects = choice.pass.replies.filter((r) => r.move !== null).map(who);
    body.push(el('tr', { className: choice.choice === null ? 'why-chosen' : '', 'data-move': '' }, [
      el('td', { text: 'pass' }),
      el('td', {}, [scored ? 'always' : 'always (no move available)',
        passExpects.length ? el('div', { className: 'why-note', text: 'expects: ' + passExpects.join(', ') }) : null,
        notes([], choice.pass.rows)]),
      el('td', { className: 'num', text: scored ? dec(choice.pass.value) : '–' }),
      el('td', { className: 'num', text: '–' }),
      el('td', { className: 'num', text: scored ? dec(0) : '–' }),
      el('td', { className: 'num', text: dec(choice.pass.probability, 3) }),
      el('td', { text: choice.choice === null ? '✓' : '' }),
    ]));
    for (const m of choice.moves) {
      if (!m.available) {
        body.push(el('tr', { className: 'why-blocked', 'data-move': m.move }, [
          el('td', {}, [move(m.move)]), el('td', { className: 'muted', text: 'no: ' + m.blocked }),
          el('td', { className: 'num', text: '' }), el('td', { className: 'num', text: '' }),
          el('td', { className: 'num', text: '' }), el('td', { className: 'num', text: '' }), el('td', { text: '' }),
        ]));
        continue;
      }
      body.push(el('tr', { className: m.chosen ? 'why-chosen' : '', 'data-move': m.move }, [
        el('td', {}, [move(m.move)]),
        el('td', {}, ['yes', notes(m.replies, m.rows)]),
        el('td', { className: 'num', text: dec(m.value) }),
        el('td', { className: 'num', text: dec(m.cost) }),
        el('td', { className: 'num', text: sgn(m.score) }),
        el('td', { className: 'num', text: dec(m.probability, 3) }),
        el('td', { text: m.chosen ? '✓' : '' }),
      ]));
    }
    return el('div', { className: 'table-box' },
      [el('table', { className: 'data why-table', 'data-actor': choice.actor }, [el('thead', {}, [head]), el('tbody', {}, body)])]);
  }

  function swatch(index) {
    const s = el('span', { className: 'swatch' });
    s.style.background = colour(index);
    return s;
  }

  return { palette, verdictColours, colour, fmt, signed, el, toCsv, slug, wrap, cutTick, download,
           chartFigure, optionLegend, table, swatch, whyTable };
})();
