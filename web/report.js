// The report page: reads the data block parley embedded in the page and draws it.
'use strict';

(function () {
  const P = Parley;
  const el = P.el;
  const data = JSON.parse(document.getElementById('parley-data').textContent);
  const main = document.getElementById('report');
  const toc = document.getElementById('toc');
  const options = data.options;
  const labelOf = (name) => {
    const o = options.find((x) => x.name === name);
    return o ? o.label : name;
  };
  const indexOf = (name) => options.findIndex((x) => x.name === name);

  function section(id, title, lead) {
    const s = el('section', { id }, [el('h2', { text: title })]);
    if (lead) s.append(el('p', { className: 'lead', text: lead }));
    main.append(s);
    toc.append(el('a', { href: '#' + id, text: title }));
    return s;
  }

  function axisTitle(chart) {
    return chart.axis;
  }

  // ---- always ------------------------------------------------------------------------------

  function header() {
    const kinds = { run: 'Monte Carlo batch', compare: 'Comparison of policy options',
                    sweep: 'Sensitivity sweep' };
    document.getElementById('kicker').textContent = 'parley report · ' + kinds[data.kind];
    const parts = [];
    if (data.title !== data.scenario.title) parts.push(data.scenario.title);
    parts.push('scenario ' + data.scenario.name);
    const unit = data.scenario.turn ? data.scenario.turn + 's' : 'turns';
    parts.push(data.scenario.turns + ' ' + unit + (data.scenario.start ? ' from ' + data.scenario.start : ''));
    if (data.kind === 'run') parts.push(data.runs.toLocaleString('en-US') + ' runs per option');
    if (data.kind === 'compare') parts.push(data.runs.toLocaleString('en-US') + ' paired runs per option');
    if (data.kind === 'sweep') parts.push(data.runs.toLocaleString('en-US') + ' runs per sample');
    parts.push('seed ' + data.seed);
    document.getElementById('subtitle').textContent = parts.join(' · ');
    if (data.failed_runs > 0) {
      main.append(el('p', { className: 'warning', text: data.failed_runs.toLocaleString('en-US') +
        ' run(s) failed (a non-finite value) and are left out of every statistic; see failures.csv.' }));
    }
  }

  function whatWasRun() {
    const s = section('options', 'What was run',
      'Each option is a policy the scenario can apply. Every chart shows an option in the colour given here.');
    const rows = options.map((o, i) => [el('span', {}, [P.swatch(i), document.createTextNode(o.label)]),
                                        el('code', { text: o.name }), o.description]);
    s.append(P.table(['option', 'name', 'what it does'], rows));
    if (data.other_options.length > 0) {
      s.append(el('p', { className: 'lead', text: 'Options of the scenario that were not run: ' +
        data.other_options.map((o) => o.name).join(', ') + '.' }));
    }
  }

  function manifest() {
    const s = section('manifest', 'How these results were made',
      'Enough to reproduce every number: the same parley version, scenario files (content hash), seed and command give identical files.');
    s.append(P.table(['', ''], data.manifest));
  }

  // ---- run ---------------------------------------------------------------------------------

  function fanChart(parent, fan) {
    const labels = data.turn_labels;
    const datasets = [];
    fan.series.forEach((s) => {
      const i = indexOf(s.option);
      const common = { group: s.option, pointRadius: 0, borderWidth: 0 };
      datasets.push(Object.assign({ label: s.option + ' p05', data: s.p05, legend: false,
        borderColor: 'transparent', backgroundColor: 'transparent', fill: false }, common));
      datasets.push(Object.assign({ label: s.option + ' p95', data: s.p95, legend: false,
        borderColor: 'transparent', backgroundColor: P.colour(i, 0.1), fill: '-1' }, common));
      datasets.push({ label: s.option, data: s.p50, group: s.option, borderColor: P.colour(i),
        backgroundColor: P.colour(i), borderWidth: 2, pointRadius: 0, fill: false });
    });
    const note = 'Line: the median run; band: 90% of runs (5th to 95th percentile). Scale: ' +
      (fan.low_means ? '"' + fan.low_means + '" at the bottom, "' + fan.high_means + '" at the top.' : fan.axis + '.');
    P.chartFigure(parent, {
      title: fan.title, note,
      csv: () => {
        const rows = [['option', 'turn', 'mean', 'p05', 'p50', 'p95']];
        fan.series.forEach((s) => labels.forEach((t, k) =>
          rows.push([s.option, t, s.mean[k], s.p05[k], s.p50[k], s.p95[k]])));
        return rows;
      },
      config: {
        type: 'line',
        data: { labels, datasets },
        options: {
          interaction: { mode: 'index', intersect: false },
          scales: { y: { title: { display: true, text: axisTitle(fan) } },
                    x: { title: { display: true, text: data.scenario.turn || 'turn' } } },
          plugins: {
            legend: P.optionLegend((ds) => labelOf(ds.label)),
            tooltip: {
              filter: (item) => item.dataset.legend !== false,
              callbacks: {
                label: (item) => {
                  const s = fan.series.find((x) => x.option === item.dataset.label);
                  const k = item.dataIndex;
                  return `${labelOf(s.option)}: ${P.fmt(s.p50[k])} (${P.fmt(s.p05[k])} to ${P.fmt(s.p95[k])})`;
                },
              },
            },
          },
        },
      },
    });
  }

  function distributionChart(parent, dist) {
    const centres = dist.bins.map(([lo, hi]) => (lo + hi) / 2);
    const datasets = dist.series.map((s) => {
      const i = indexOf(s.option);
      return {
        label: s.option, group: s.option,
        data: s.counts.map((c, k) => ({ x: centres[k], y: s.n > 0 ? (100 * c) / s.n : null })),
        borderColor: P.colour(i), backgroundColor: P.colour(i, 0.12), borderWidth: 2,
        stepped: 'middle', pointRadius: 0, fill: true,
      };
    });
    P.chartFigure(parent, {
      title: dist.title + ': final outcome',
      note: 'Share of runs ending in each range (' + dist.axis + '). Mean and 90% range per option in the tooltip.',
      csv: () => {
        const rows = [['option', 'low', 'high', 'runs', 'share']];
        dist.series.forEach((s) => dist.bins.forEach(([lo, hi], k) =>
          rows.push([s.option, lo, hi, s.counts[k], s.n > 0 ? s.counts[k] / s.n : ''])));
        return rows;
      },
      config: {
        type: 'line',
        data: { datasets },
        options: {
          interaction: { mode: 'index', intersect: false },
          scales: {
            y: { beginAtZero: true, title: { display: true, text: '% of runs' } },
            x: { type: 'linear', min: dist.bins[0][0], max: dist.bins[dist.bins.length - 1][1],
                 title: { display: true, text: axisTitle(dist) } },
          },
          plugins: {
            legend: P.optionLegend((ds) => labelOf(ds.label)),
            tooltip: {
              callbacks: {
                title: (items) => {
                  const [lo, hi] = dist.bins[items[0].dataIndex];
                  return `${P.fmt(lo)} to ${P.fmt(hi)} ${dist.axis}`;
                },
                label: (item) => {
                  const s = dist.series[item.datasetIndex];
                  return `${labelOf(s.option)}: ${P.fmt(item.parsed.y, 2)}% of runs (mean ${P.fmt(s.mean)}, 90%: ${P.fmt(s.p05)} to ${P.fmt(s.p95)})`;
                },
              },
            },
          },
        },
      },
    });
  }

  function barsChart(parent, bars, title, note, axis, horizontal) {
    const datasets = bars.series.map((s) => ({
      label: s.option, group: s.option, data: s.mean,
      backgroundColor: P.colour(indexOf(s.option)),
    }));
    const height = horizontal ? Math.max(260, 60 + bars.labels.length * (12 + 6 * options.length)) : undefined;
    const labels = horizontal ? bars.labels : bars.labels.map((l) => P.wrap(l, 16));
    P.chartFigure(parent, {
      title, note, height,
      csv: () => {
        const rows = [['option', 'metric', 'label', 'mean']];
        bars.series.forEach((s) => bars.labels.forEach((l, k) => rows.push([s.option, bars.metrics[k], l, s.mean[k]])));
        return rows;
      },
      config: {
        type: 'bar',
        data: { labels, datasets },
        options: {
          indexAxis: horizontal ? 'y' : 'x',
          scales: {
            [horizontal ? 'x' : 'y']: { beginAtZero: true, title: { display: true, text: axis } },
            [horizontal ? 'y' : 'x']: horizontal ? { ticks: { callback: P.cutTick(48) } } : { ticks: { maxRotation: 0 } },
          },
          plugins: {
            legend: P.optionLegend((ds) => labelOf(ds.label)),
            tooltip: { callbacks: { title: (items) => bars.labels[items[0].dataIndex] } },
          },
        },
      },
    });
  }

  function eventsSection() {
    const ev = data.events;
    const total = ev.traced.reduce((a, b) => a + b, 0);
    const s = section('events', 'What happened most often',
      total === 0
        ? 'No run was traced (--trace 0), so there are no events to show.'
        : `The moves made in the most traced runs (the first ${ev.traced[0]} run(s) of each option; events.csv lists every one). Share: runs in which the move was made at least once.`);
    if (total === 0 || ev.rows.length === 0) return;
    const grid = el('div', { className: 'grid full' });
    s.append(grid);
    const labels = ev.rows.map((r) => r.actor + ': ' + r.headline);
    const datasets = options.map((o, i) => ({
      label: o.name, group: o.name, backgroundColor: P.colour(i),
      data: ev.rows.map((r) => 100 * r.share[i]),
    }));
    P.chartFigure(grid, {
      title: 'Moves made in the most traced runs',
      note: '% of traced runs in which each move was made, per option.',
      height: Math.max(300, 60 + labels.length * (12 + 6 * options.length)),
      csv: () => {
        const rows = [['option', 'move', 'actor', 'headline', 'share_of_runs', 'times_per_run', 'mean_first_turn', 'share_by_ai']];
        ev.rows.forEach((r) => options.forEach((o, i) =>
          rows.push([o.name, r.move, r.actor, r.headline, r.share[i], r.per_run[i], r.first_turn[i], r.by_ai[i]])));
        return rows;
      },
      config: {
        type: 'bar',
        data: { labels, datasets },
        options: {
          indexAxis: 'y',
          scales: {
            x: { beginAtZero: true, max: 100, title: { display: true, text: '% of traced runs' } },
            y: { ticks: { callback: P.cutTick(60) } },
          },
          plugins: {
            legend: P.optionLegend((ds) => labelOf(ds.label)),
            tooltip: { callbacks: { title: (items) => labels[items[0].dataIndex] } },
          },
        },
      },
    });
    const turnLabel = (t) => (t === null ? '–' : P.fmt(t, 2));
    const rows = ev.rows.map((r) => [r.actor, r.headline].concat(options.map((o, i) =>
      r.share[i] > 0 ? `${Math.round(100 * r.share[i])}% (turn ${turnLabel(r.first_turn[i])})` : '–')));
    s.append(el('h3', { text: 'Share of traced runs, with the mean turn it was first made' }));
    s.append(P.table(['actor', 'event'].concat(options.map((o) => o.label)), rows,
      [false, false].concat(options.map(() => true))));
  }

  function runReport() {
    const fans = section('trajectories', 'How the issues move, turn by turn',
      'For each issue and each actor\'s utility: the median run and the range of 90% of runs, per option. Click an option in a legend to hide or show it.');
    const g1 = el('div', { className: 'grid' });
    fans.append(g1);
    data.fans.forEach((f) => fanChart(g1, f));

    const dist = section('outcomes', 'Where the issues end',
      'The distribution of each final outcome over all runs, per option, in the issue\'s own unit where the scenario gives one.');
    const g2 = el('div', { className: 'grid' });
    dist.append(g2);
    data.distributions.forEach((d) => distributionChart(g2, d));

    const acts = section('recognition', 'Recognition and moves',
      'Mean over runs at the last turn: how many other actors recognize each actor, and how often each move was made.');
    const g3 = el('div', { className: 'grid wide' });
    acts.append(g3);
    barsChart(g3, data.recognition, 'Recognition at the end',
      'Mean number of other actors that recognize each actor (recognition of at least 0.5).', 'actors', false);
    if (data.moves.labels.length > 0) {
      barsChart(g3, data.moves, 'Moves made, times per run',
        'Mean times each move was made in a run (moves made at least once in 20 runs under some option).',
        'times per run', true);
    }
    eventsSection();
    whySection();
  }

  // Why the AI chose in the first traced run of each option, turn by turn (collapsed until
  // opened): the table of `parley explain` for every AI actor, one option and one actor or all
  // at a time. Opened turns stay open when another option or actor is chosen.
  function whySection() {
    const w = data.why;
    if (!w || w.options.length === 0) return;
    const first = w.options[0];
    const s = section('why', 'Why the AI chose',
      `Run ${first.run} of each option (the first traced run, seed ${first.seed}), turn by turn: every move each AI actor ` +
      'could make, as parley scored it. Value: the actor\'s utility after the move and the replies it expects, plus what ' +
      'the scripted events it triggers are worth; score = value − value of passing − cost. The AI makes a move only if its ' +
      'score beats passing (0); with some randomness (temperature) a lower score is sometimes drawn, hence the probabilities. ' +
      `The same table as parley explain SCENARIO --option NAME --run ${first.run} --seed ${first.seed}; explain.json holds it in full. Open a turn to see its tables.`);
    const names = {};
    for (const a of w.actors) names[a.id] = a.name;
    const optionSelect = el('select', { id: 'why-option', 'aria-label': 'Option' },
      w.options.map((o) => el('option', { value: o.option, text: labelOf(o.option) })));
    const actorSelect = el('select', { id: 'why-actor', 'aria-label': 'Actor' }, [el('option', { value: '', text: 'every AI actor' })]
      .concat(w.actors.map((a) => el('option', { value: a.id, text: a.name }))));
    s.append(el('div', { className: 'why-filter' }, [
      el('label', { for: 'why-option', text: 'Option' }), optionSelect,
      el('label', { for: 'why-actor', text: 'Actor' }), actorSelect,
    ]));
    const list = el('div', { id: 'why-turns' });
    s.append(list);
    const open = new Set();
    const said = (c) => (c.choice === null ? 'passes' : c.choice);

    function drawTurn(details, t) {
      const body = details.querySelector('.why-body');
      if (!details.open) {
        body.replaceChildren();
        return;
      }
      body.replaceChildren(...t.choices.filter((c) => !actorSelect.value || c.actor === actorSelect.value).flatMap((c) => [
        el('h4', { className: 'why-actor', text: `${names[c.actor] || c.actor}: ${c.choice === null ? 'passed' : 'made ' + c.choice}` }),
        P.whyTable(c, w.move_names),
      ]));
    }

    function drawOption() {
      const o = w.options.find((x) => x.option === optionSelect.value) || first;
      list.replaceChildren(...o.turns.map((t) => {
        const label = data.turn_labels[t.turn];
        const details = el('details', { className: 'why-turn', 'data-turn': String(t.turn) }, [
          el('summary', {}, [el('strong', { text: `Turn ${t.turn}` + (label !== String(t.turn) ? ` (${label})` : '') }),
            el('span', { className: 'muted', text: ' ' + t.choices.map((c) => `${c.actor}: ${said(c)}`).join(' · ') })]),
          el('div', { className: 'why-body' }),
        ]);
        details.open = open.has(t.turn);
        details.addEventListener('toggle', () => {
          if (details.open) open.add(t.turn); else open.delete(t.turn);
          drawTurn(details, t);
        });
        drawTurn(details, t);
        return details;
      }));
    }
    optionSelect.addEventListener('change', drawOption);
    actorSelect.addEventListener('change', () => {
      const o = w.options.find((x) => x.option === optionSelect.value) || first;
      list.querySelectorAll('details.why-turn').forEach((d, k) => drawTurn(d, o.turns[k]));
    });
    drawOption();
  }

  // ---- compare -----------------------------------------------------------------------------

  // The verdict words are the engine's (engine/batch/compare.cpp, verdict_text); only their
  // colours are chosen here.
  function verdictSpan(v) {
    const cls = v === 'better' || v === 'higher' ? 'better' : v === 'worse' || v === 'lower' ? 'worse'
      : v === 'no practical difference' ? 'negligible' : 'unclear';
    return el('span', { className: 'verdict ' + cls, text: v });
  }

  // Paired differences as `parley compare` prints them: with a sign and the decimals the engine
  // chose from the interval's width (4 when not given).
  function fixedN(v, decimals) {
    if (v === null || v === undefined) return '–';
    const d = decimals === undefined ? 4 : decimals;
    return (v >= 0 ? '+' : '') + v.toFixed(d);
  }

  function minEffectText(m, axis) {
    return m === null || m === undefined ? '' : `±${P.fmt(m)}${axis ? ' (' + axis + ')' : ''}`;
  }

  function forestChart(parent, forest) {
    const rows = forest.rows;
    const labels = rows.map((r) => labelOf(r.option));
    const colours = rows.map((r) => P.verdictColours[r.verdict] || '#888');
    const isUtility = forest.group === 'utility';
    P.chartFigure(parent, {
      title: forest.title + (isUtility ? '' : ': final outcome'),
      note: `Difference to the baseline (${forest.axis}) in paired runs: dot = mean, bar = 95% interval. ` +
        (isUtility ? 'Green: better for this actor, red: worse' : 'Blue: higher than the baseline, orange: lower') +
        ` (the interval excludes 0 and the difference reaches the min effect, ${minEffectText(forest.min_effect)}); ` +
        'light grey: no practical difference (the whole interval within it); grey: no clear difference.',
      height: Math.max(170, 70 + 38 * rows.length),
      csv: () => [['option', 'baseline_mean', 'option_mean', 'diff_mean', 'diff_ci_low', 'diff_ci_high', 'p_greater', 'verdict']]
        .concat(rows.map((r) => [r.option, r.baseline_mean, r.option_mean, r.diff, r.low, r.high, r.p_greater, r.verdict])),
      config: {
        type: 'bar',
        data: {
          labels,
          datasets: [{ label: 'difference to baseline', data: rows.map((r) => [r.low, r.high]),
                       markers: rows.map((r) => r.diff), backgroundColor: colours,
                       borderColor: colours, barThickness: 12, borderSkipped: false }],
        },
        options: {
          indexAxis: 'y',
          scales: { x: { title: { display: true, text: 'difference to the baseline, ' + forest.axis },
                         grace: '5%' } },
          plugins: {
            parleyZero: { axis: 'x' },
            legend: { display: false },
            tooltip: { callbacks: { label: (item) => {
              const r = rows[item.dataIndex];
              return `${fixedN(r.diff, r.decimals)} [${fixedN(r.low, r.decimals)}, ${fixedN(r.high, r.decimals)}], P(option > baseline) ${P.fmt(r.p_greater, 2)}: ${r.verdict}`;
            } } },
          },
        },
      },
    });
  }

  function compareReport() {
    const rank = section('ranking', 'Which option is best for whom',
      'For each actor, the options ordered by the actor\'s mean final utility (0-1), best first, with the paired difference to the baseline, its 95% interval and the chance that the option does better in a paired run: the table parley compare prints. Better or worse: the interval excludes 0 and the difference reaches the min effect (the smallest difference that matters, --min-effect); no practical difference: the whole interval lies within ± the min effect; no clear difference: anything else.');
    const box = el('div', { className: 'rankings' });
    rank.append(box);
    data.ranking.forEach((a) => {
      const rows = a.rows.map((r) => [
        el('span', {}, [P.swatch(indexOf(r.option)), document.createTextNode(labelOf(r.option))]),
        r.mean === null ? '–' : r.mean.toFixed(3),
        r.diff === undefined ? '' : `${fixedN(r.diff, r.decimals)} [${fixedN(r.low, r.decimals)}, ${fixedN(r.high, r.decimals)}]`,
        r.p_greater === undefined ? '' : r.p_greater.toFixed(2),
        r.verdict === undefined ? el('span', { className: 'muted', text: 'baseline' }) : verdictSpan(r.verdict),
      ]);
      const fig = el('div', {}, [el('h3', { text: a.name + ' (' + a.actor + ')' }),
        P.table(['option', 'mean utility', 'vs baseline [95% CI]', 'P(better)', 'verdict'], rows,
          [false, true, true, true, false]),
        el('p', { className: 'muted min-effect', text: 'min effect ' + minEffectText(a.min_effect) })]);
      box.append(fig);
    });
    const utilities = data.forests.filter((f) => f.group === 'utility');
    const issues = data.forests.filter((f) => f.group === 'issue');
    const u = section('utilities', 'Each actor\'s utility against the baseline',
      'Paired differences on common random numbers: run k of every option draws the same uncertain inputs, so a difference is the policy\'s, not luck\'s.');
    const g1 = el('div', { className: 'grid' });
    u.append(g1);
    utilities.forEach((f) => forestChart(g1, f));
    const i = section('issues', 'Each issue against the baseline',
      'How far each option moves the final outcome of each issue from the baseline\'s, in the issue\'s unit where the scenario gives one.');
    const g2 = el('div', { className: 'grid' });
    i.append(g2);
    issues.forEach((f) => forestChart(g2, f));
  }

  // ---- sweep -------------------------------------------------------------------------------

  function tornadoChart(parent, t) {
    const bars = t.bars;
    const labels = bars.map((b) => b.input);
    // The axis reaches every interval's end, rounded out to a tenth.
    const ends = [];
    bars.forEach((b) => {
      if (b.s1 !== null) ends.push([Math.floor(10 * (b.s1 - b.s1_ci)) / 10, Math.ceil(10 * (b.s1 + b.s1_ci)) / 10]);
      if (b.st !== null) ends.push([Math.floor(10 * (b.st - b.st_ci)) / 10, Math.ceil(10 * (b.st + b.st_ci)) / 10]);
    });
    const spread = t.spread ? ` Over the design its mean ranges from ${P.fmt(t.spread[0])} to ${P.fmt(t.spread[1])} ${t.axis}.` : '';
    // How far the outcome moves over the design, in its unit: an index of 0.7 on an outcome
    // that moves by half a point describes noise, not a driver.
    let subtitle = '';
    if (t.spread_sd !== undefined && t.spread_sd !== null) {
      subtitle = `Spread over the design: sd ${P.fmt(t.spread_sd)}, p05–p95 ${P.fmt(t.spread_p05)} to ${P.fmt(t.spread_p95)} ${t.axis}.`;
      if (t.spread_negligible) {
        subtitle += ` That is less than the min effect, ${minEffectText(t.min_effect, t.axis)}: ` +
          'the indices share out differences too small to matter, mostly the runs\' noise.';
      }
    }
    P.chartFigure(parent, {
      title: t.title,
      subtitle,
      warn: t.spread_negligible === true,
      note: (t.varies ? 'Share of the outcome\'s variance due to each input: alone (S1) and with its interactions (ST), with 95% intervals.'
                      : 'This outcome does not vary over the design: no index to show.') + spread,
      height: Math.max(170, 80 + 46 * bars.length),
      csv: () => [['input', 'S1', 'S1_ci', 'ST', 'ST_ci']].concat(bars.map((b) => [b.input, b.s1, b.s1_ci, b.st, b.st_ci])),
      config: {
        type: 'bar',
        data: {
          labels,
          datasets: [
            { label: 'first order (S1)', data: bars.map((b) => b.s1), backgroundColor: P.colour(0, 0.55),
              whiskers: bars.map((b) => (b.s1 === null ? null : [b.s1 - b.s1_ci, b.s1 + b.s1_ci])) },
            { label: 'total (ST)', data: bars.map((b) => b.st), backgroundColor: P.colour(1, 0.75),
              whiskers: bars.map((b) => (b.st === null ? null : [b.st - b.st_ci, b.st + b.st_ci])) },
          ],
        },
        options: {
          indexAxis: 'y',
          scales: { x: { suggestedMin: 0, suggestedMax: 1, min: Math.min(0, ...ends.map((e) => e[0])),
                         max: Math.max(1, ...ends.map((e) => e[1])),
                         title: { display: true, text: 'Sobol\' index (share of variance)' } } },
          plugins: { parleyZero: { axis: 'x' } },
        },
      },
    });
  }

  function scatterSection() {
    const sc = data.scatter;
    const nInputs = sc.inputs.length;
    const s = section('scatter', 'Outcomes against each input',
      `Each dot is one sample of the design: the value of one input and the mean outcome of its runs.` +
      (sc.points.length < sc.samples ? ` ${sc.points.length.toLocaleString('en-US')} of ${sc.samples.toLocaleString('en-US')} samples shown (every ${Math.ceil(sc.samples / sc.points.length)}th).` : ''));
    if (sc.metrics.length === 0) return;
    const select = el('select', { id: 'scatter-metric', 'aria-label': 'Outcome' },
      sc.metrics.map((m, k) => el('option', { value: String(k), text: m.title + ' (' + m.axis + ')' })));
    s.append(el('div', { className: 'controls' }, [el('label', { for: 'scatter-metric', text: 'Outcome: ' }), select]));
    const grid = el('div', { className: 'grid' });
    s.append(grid);
    const charts = [];
    function draw() {
      charts.forEach((c) => { c.destroy(); });
      charts.length = 0;
      grid.replaceChildren();
      const k = Number(select.value);
      const m = sc.metrics[k];
      sc.inputs.forEach((input, i) => {
        const pts = sc.points.filter((p) => p[i] !== null && p[nInputs + k] !== null)
          .map((p) => ({ x: p[i], y: p[nInputs + k] }));
        charts.push(P.chartFigure(grid, {
          title: m.title + ' against ' + input.path,
          note: `${input.path} from ${P.fmt(input.low)} to ${P.fmt(input.high)}.`,
          csv: () => [[input.path, m.metric]].concat(pts.map((p) => [p.x, p.y])),
          config: {
            type: 'scatter',
            data: { datasets: [{ label: m.title, data: pts, backgroundColor: P.colour(0, 0.45), pointRadius: 2.5 }] },
            options: {
              scales: { x: { title: { display: true, text: input.path } }, y: { title: { display: true, text: m.axis } } },
              plugins: { legend: { display: false } },
            },
          },
        }));
      });
    }
    select.addEventListener('change', draw);
    draw();
  }

  function sweepReport() {
    const inputs = data.scatter.inputs;
    const s = section('inputs', 'What was varied',
      `A ${data.design} design over ${inputs.length} input(s), ${data.scatter.samples.toLocaleString('en-US')} samples of ${data.runs} runs each, on option ${options[0].name}.`);
    s.append(P.table(['input', 'from', 'to'], inputs.map((x) => [el('code', { text: x.path }), P.fmt(x.low), P.fmt(x.high)]),
      [false, true, true]));
    if (data.tornado.length > 0) {
      const t = section('sensitivity', 'Which input drives each outcome',
        'Sobol\' indices: the share of an outcome\'s variance over the design that each input explains. ST well above S1 means the input acts through interactions with others.');
      const g = el('div', { className: 'grid' });
      t.append(g);
      data.tornado.forEach((x) => tornadoChart(g, x));
    }
    scatterSection();
  }

  // ---- given (--given) ----------------------------------------------------------------------

  function pct(v) {
    return v === null || v === undefined ? '–' : (100 * v).toFixed(1) + '%';
  }

  function givenSection() {
    const g = data.given;
    const paired = data.kind === 'compare';
    const s = section('given', 'Given ' + g.condition,
      paired
        ? 'How often the condition held at the end of a run under each option (95% Wilson interval), and the paired differences to the baseline over the runs in which it held under both the option and the baseline.'
        : 'How often the condition held at the end of a run under each option (95% Wilson interval), and where the outcomes end in those runs, beside their mean over all runs.');
    s.dataset.condition = g.condition;
    const shareRows = g.shares.map((r) => {
      const cells = [el('span', {}, [P.swatch(indexOf(r.option)), document.createTextNode(labelOf(r.option))]),
        `${r.held.toLocaleString('en-US')} of ${r.runs.toLocaleString('en-US')}`,
        r.share === undefined ? '–' : `${pct(r.share)} [${pct(r.low)}–${pct(r.high)}]`];
      if (paired) cells.push(r.both === undefined ? '' : r.both.toLocaleString('en-US'));
      return cells;
    });
    const shareHead = ['option', 'runs in which it held', 'share [95% interval]'];
    if (paired) shareHead.push('pairs: held in both');
    s.append(P.table(shareHead, shareRows, [false, true, true, true]));
    const never = g.shares.filter((r) => r.held === 0).map((r) => labelOf(r.option));
    if (never.length > 0) {
      s.append(el('p', { className: 'warning', text: 'The condition never held under ' + never.join(', ') +
        ': nothing to summarise there.' }));
    }
    const rows = [];
    g.metrics.forEach((m) => m.rows.forEach((r) => {
      const name = el('span', {}, [P.swatch(indexOf(r.option)), document.createTextNode(labelOf(r.option))]);
      if (paired) {
        rows.push([m.title, name, `${fixedN(r.diff, r.decimals)} [${fixedN(r.low, r.decimals)}, ${fixedN(r.high, r.decimals)}]`, verdictSpan(r.verdict)]);
      } else {
        rows.push([m.title, name, `${P.fmt(r.mean, 3)} [${P.fmt(r.p05, 3)}–${P.fmt(r.p95, 3)}]`,
          r.all_mean === undefined ? '–' : P.fmt(r.all_mean, 3)]);
      }
    }));
    if (rows.length > 0) {
      s.append(paired
        ? P.table(['outcome', 'option', 'vs baseline, given [95% CI]', 'verdict'], rows, [false, false, true, false])
        : P.table(['outcome', 'option', 'given: mean [p05–p95]', 'all runs: mean'], rows, [false, false, true, true]));
    }
  }

  header();
  if (data.kind !== 'sweep') whatWasRun();
  if (data.kind === 'run') runReport();
  if (data.kind === 'compare') compareReport();
  if (data.given) givenSection();
  if (data.kind === 'sweep') sweepReport();
  manifest();
  document.body.dataset.ready = 'true';
})();
