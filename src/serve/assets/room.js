// The training room's page: sends each change to the server, shows the run's progress, and
// puts the results in place. No libraries; the plots are SVG drawn by the server.
(function () {
  'use strict';
  var form = document.getElementById('levers');
  if (!form) { return; }
  var question = form.dataset.question;
  var key = 'casesim-session';
  var session = window.sessionStorage.getItem(key) || form.dataset.session;
  window.sessionStorage.setItem(key, session);

  var results = document.getElementById('results');
  var history = document.getElementById('history');
  var problems = document.getElementById('problems');
  var state = document.getElementById('state');
  var bar = document.getElementById('progress');
  var scenarioLink = document.getElementById('download-scenario');
  var resultsLink = document.getElementById('download-results');
  var sent = 0;       // the number of the latest change sent
  var timer = null;   // a change waiting for the slider to rest
  var polling = null; // the progress poll while a run is going

  function fields() {
    return new URLSearchParams(new FormData(form));
  }

  function busy(on) {
    document.body.classList.toggle('running', on);
    if (on && !polling) {
      polling = window.setInterval(poll, 150);
    } else if (!on && polling) {
      window.clearInterval(polling);
      polling = null;
    }
  }

  function poll() {
    fetch('/api/progress?session=' + encodeURIComponent(session))
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (!polling || p.total === 0) { return; }
        bar.max = p.total;
        bar.value = p.done;
        state.textContent = 'Running: ' + p.done + ' of ' + p.total + ' replications…';
      })
      .catch(function () {});
  }

  function mark(keys) {
    form.querySelectorAll('fieldset.lever').forEach(function (f) {
      f.classList.toggle('invalid', keys.indexOf(f.dataset.key) >= 0);
    });
  }

  function run() {
    timer = null;
    var mine = ++sent;
    var data = fields();
    scenarioLink.href = '/download/scenario.toml?' + data.toString();
    data.set('session', session);
    busy(true);
    bar.removeAttribute('value');
    state.textContent = 'Running…';
    fetch('/api/run', { method: 'POST', body: data })
      .then(function (r) { return r.json(); })
      .then(function (reply) {
        if (mine !== sent || reply.status === 'superseded') { return; }
        busy(false);
        if (reply.status === 'refused') {
          problems.innerHTML = reply.html;
          mark(reply.keys);
          state.textContent = 'Not run: see below.';
          bar.value = 0;
          return;
        }
        problems.innerHTML = '';
        mark([]);
        results.innerHTML = reply.results;
        history.innerHTML = reply.history;
        resultsLink.href = reply.download;
        resultsLink.removeAttribute('aria-disabled');
        bar.max = 1;
        bar.value = 1;
        state.textContent = 'Try ' + reply['try'] + ' shown (' + reply.seconds.toFixed(2) + ' s).';
      })
      .catch(function (e) {
        if (mine !== sent) { return; }
        busy(false);
        state.textContent = 'The server did not answer (' + e + '). Is casesim serve still running?';
      });
  }

  function later(ms) {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(run, ms);
  }

  // A slider and its box show the same value; the box is what is sent.
  form.addEventListener('input', function (e) {
    var t = e.target;
    if (t.classList.contains('slider')) {
      document.getElementById(t.dataset.for).value = t.value;
      later(200);
    } else if (t.type === 'number') {
      var slider = form.querySelector('.slider[data-for="' + t.id + '"]');
      if (slider) { slider.value = t.value; }
      later(500);
    }
  });
  form.addEventListener('change', function (e) {
    if (e.target.tagName === 'SELECT') { later(0); }
  });
  form.addEventListener('submit', function (e) { e.preventDefault(); later(0); });

  // A suggestion from the question's sweep sets its controls.
  document.querySelectorAll('button.point').forEach(function (b) {
    b.addEventListener('click', function () {
      var values = JSON.parse(b.dataset.values);
      Object.keys(values).forEach(function (k) {
        var input = form.elements.namedItem(k);
        if (!input) { return; }
        input.value = values[k];
        var slider = form.querySelector('.slider[data-for="' + input.id + '"]');
        if (slider) { slider.value = values[k]; }
      });
      later(0);
    });
  });

  // Choosing another question opens its page.
  var choose = document.getElementById('question');
  choose.addEventListener('change', function () {
    document.getElementById('choose').submit();
  });
  if (choose.value !== question) { choose.value = question; }

  later(0);
})();
