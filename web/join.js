// The join page: a student types the class's join code and a name, picks a world and a team
// (when the facilitator lets students choose), and gets the link of their team page.
'use strict';

(function () {
  const C = Classroom;
  const el = Parley.el;
  const $ = (id) => document.getElementById(id);
  // Links this browser got before, so that a student who closed the tab finds the way back.
  const STORE = 'parley-joined';
  let lobby = null;
  let code = '';

  function remembered() {
    try {
      const list = JSON.parse(localStorage.getItem(STORE) || '[]');
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  }
  function remember(entry) {
    try {
      const list = remembered().filter((e) => e.link !== entry.link);
      list.unshift(entry);
      localStorage.setItem(STORE, JSON.stringify(list.slice(0, 5)));
    } catch { /* private browsing: the student keeps the link by hand */ }
  }

  function showBefore() {
    const list = remembered().filter((e) => !code || e.code === code);
    if (list.length === 0) return;
    $('before-list').replaceChildren(...list.map((e) =>
      el('li', {}, [el('a', { href: e.link, text: `${e.name} · ${e.team} · ${e.world}` })])));
    $('before').hidden = false;
  }

  function selected(name) {
    const input = document.querySelector(`input[name="${name}"]:checked`);
    return input ? input.value : null;
  }

  // One radio button with its label; `detail` is a second, quieter line.
  function choice(name, value, text, detail, checked) {
    const id = `${name}-${value}`;
    const input = el('input', { type: 'radio', name, value, id });
    input.checked = Boolean(checked);
    return el('label', { className: 'cl-choice', for: id }, [
      input, el('span', { className: 'cl-choice-text' }, [el('strong', { text }), detail ? el('span', { className: 'muted', text: detail }) : null]),
    ]);
  }

  function showSeats() {
    const world = lobby.worlds.find((w) => String(w.world) === selected('world')) || lobby.worlds[0];
    $('seats').replaceChildren(...world.seats.map((s) =>
      choice('seat', s.actor, s.name, s.members === 0 ? 'nobody yet' : C.plural(s.members, 'student') + ' in this team')));
  }

  function showLobby() {
    $('title').textContent = lobby.title;
    $('subtitle').textContent = 'Join the class: pick your team.';
    $('worlds').replaceChildren(...lobby.worlds.map((w, k) => choice('world', String(w.world), w.name,
      C.plural(w.seats.reduce((n, s) => n + s.members, 0), 'student') + ' so far', k === 0)));
    // With one world there is nothing to choose.
    $('worlds-box').hidden = lobby.worlds.length < 2;
    $('seats-box').hidden = !lobby.team_choice;
    $('pick-intro').textContent = lobby.team_choice
      ? 'Pick the team (the country or group) you will play. Several students may share a team.'
      : 'Your teacher puts everyone in a team: join, and your page will show your team once you are seated.';
    if (lobby.team_choice) showSeats();
    $('pick').hidden = false;
    $('join-button').textContent = lobby.team_choice ? 'Join this team' : 'Join';
    const first = document.querySelector('#pick input');
    if (first) first.focus();
  }

  $('find').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    code = $('code').value.trim().toUpperCase();
    $('code').value = code;
    const answer = await C.act($('find-button'), () => C.api('GET', '/api/lobby?code=' + encodeURIComponent(code)));
    if (!answer) return;
    if (answer.worlds.length === 0) {
      C.flash('No game is open to join right now: ask your teacher.', 'error');
      return;
    }
    lobby = answer;
    try { localStorage.setItem('parley-name', $('name').value.trim()); } catch { /* not kept */ }
    showLobby();
  });

  $('worlds').addEventListener('change', () => { if (lobby && lobby.team_choice) showSeats(); });

  $('pick').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const name = $('name').value.trim();
    if (!name) {
      C.flash('Type your name first (step 1).', 'error');
      $('name').focus();
      return;
    }
    const world = Number(selected('world') || lobby.worlds[0].world);
    const actor = lobby.team_choice ? selected('seat') : null;
    if (lobby.team_choice && !actor) {
      C.flash('Pick a team first.', 'error');
      return;
    }
    const answer = await C.act($('join-button'), () => C.api('POST', `/api/worlds/${world}/teams`, { code, actor, name }));
    if (!answer) return;
    const link = location.origin + answer.link;
    const w = lobby.worlds.find((x) => x.world === world);
    const team = actor ? w.seats.find((s) => s.actor === actor).name : 'waiting to be seated';
    remember({ code, link, name, team, world: w.name });
    $('joined-as').textContent = actor ? `${name}, you play ${team} in ${w.name}.` : `${name}, you joined ${w.name}. Your teacher will seat you in a team.`;
    $('team-link').href = link;
    $('team-link').textContent = link;
    $('go').href = link;
    $('find').hidden = true;
    $('pick').hidden = true;
    $('before').hidden = true;
    $('joined').hidden = false;
    $('go').focus();
  });

  $('copy-link').addEventListener('click', async () => {
    const link = $('team-link').href;
    try {
      await navigator.clipboard.writeText(link);
      C.flash('Link copied.', 'ok');
    } catch {
      // Without a secure context there is no clipboard API: select the link for Ctrl+C.
      const range = document.createRange();
      range.selectNodeContents($('team-link'));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      C.flash('The link is selected: press Ctrl+C (or ⌘+C) to copy it.', 'info');
    }
  });

  code = (new URLSearchParams(location.search).get('code') || '').trim().toUpperCase();
  $('code').value = code;
  try { $('name').value = localStorage.getItem('parley-name') || ''; } catch { /* none */ }
  showBefore();
  (code ? $('name') : $('code')).focus();
})();
