// The printable brief of one actor: /brief#token=...&world=1&actor=US. A team's token shows
// its own actor; the facilitator's any actor (a menu picks it). One page on paper: what the
// actor wants, its relations, its moves with their costs, and the situation as it stands.
'use strict';

(function () {
  const C = Classroom;
  const P = Parley;
  const el = P.el;
  const $ = (id) => document.getElementById(id);

  function section(title, ...children) {
    return el('section', { className: 'cl-print-section' }, [el('h2', { text: title }), ...children]);
  }

  function render(view, brief, moves) {
    const s = view.status;
    document.title = `Brief: ${brief.name} · parley`;
    $('title').textContent = brief.name;
    $('subtitle').textContent = `${view.scenario.title} · ${s.name} · situation in ${C.when(s.turn_label)}` +
      (s.turn > 0 ? ` (turn ${s.turn} of ${s.turns})` : ` (before turn 1 of ${s.turns})`);
    const who = brief.members.length ? ` Your team: ${brief.members.join(', ')}.` : '';
    const intro = el('p', { className: 'lead', text: `You play ${brief.name}. The game runs ${s.turns} turns of one ${view.scenario.turn || 'turn'} each. ` +
      `Each turn your team may make up to ${C.plural(s.max_moves, 'move')} (or pass); parley’s AI plays every other actor without a team. ` +
      `Your score is your utility: how close the world comes to what you want below, weighted by how much each issue matters to you.${who}` });

    const moveRows = moves.map((m) => [el('strong', { text: m.name }), m.headline || '', m.cost > 0 ? P.fmt(m.cost, 2) : 'free']);
    // The issues the actor wants something of are above, with where they stand; the others
    // are listed here so that the page shows the whole situation.
    const wanted = new Set(brief.wants.map((w) => w.issue));
    const others = view.public.issues.filter((i) => !wanted.has(i.id))
      .map((i) => [i.name, C.unitText(i, C.inUnit(i, i.value)), `0 = ${i.low}; 100 = ${i.high}`]);

    C.fill('brief-page',
      intro,
      section('What you want', C.briefPanel(brief, view, true)),
      section('Your moves',
        el('p', { className: 'muted', text: 'What your team can do. Costs are in utility (yours runs 0 to 1). Some moves need conditions, or rest a few turns after being made.' }),
        P.table(['move', 'the news will read', 'cost'], moveRows, [false, false, true])),
      section('Your relations', C.relationsTable(brief)),
      others.length ? section(`Other issues (${brief.name} does not care about them; others may)`,
        P.table(['issue', `in ${C.when(s.turn_label)}`, 'scale'], others)) : null);
    document.body.dataset.ready = 'true';
  }

  async function start() {
    if (!C.token()) {
      C.flash('This page needs a link with a token (/brief#token=…): open it from your team page or the facilitator console.', 'error');
      return;
    }
    try {
      const me = await C.api('GET', '/api/me');
      const params = C.hashParams();
      if (me.role === 'waiting') {
        C.flash('You have no team yet: your brief appears once your teacher seats you.', 'error');
        return;
      }
      const world = me.role === 'facilitator' ? Number(params.get('world')) || me.worlds[0] || 1 : me.world;
      const view = await C.api('GET', `/api/worlds/${world}`);
      if (me.role !== 'facilitator') {
        render(view, view.brief, view.moves);
        return;
      }
      // The facilitator picks any actor with moves.
      const pick = $('actor');
      pick.replaceChildren(...view.teams.map((t) => el('option', { value: t.actor, text: t.name })));
      const wanted = params.get('actor');
      const team = view.teams.find((t) => t.actor === wanted) || view.teams[0];
      pick.value = team.actor;
      $('actor-pick').hidden = false;
      pick.addEventListener('change', () => {
        const p = C.hashParams();
        p.set('actor', pick.value);
        history.replaceState(null, '', '#' + p.toString());
        const t = view.teams.find((x) => x.actor === pick.value);
        render(view, t.brief, t.moves);
      });
      render(view, team.brief, team.moves);
    } catch (e) {
      C.flash(e.message, 'error');
    }
  }

  $('print').addEventListener('click', () => window.print());
  start();
})();
