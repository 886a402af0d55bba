// FBS pages, where JavaScript is on: the pages read fine without it.
// - An element with data-live is replaced by its fresh copy from the same URL every data-refresh ms (set on
//   <body> while something on the page can still change), until the fresh page no longer asks for refreshes.
// - <pre id="log" data-src=...> follows the build's log as it grows (the master streams it with ?follow=true).
// - On the New build form only the fieldsets of the chosen image type are shown.
(function () {
  'use strict';

  function refreshLater(delay) {
    if (delay > 0) {
      setTimeout(refresh, delay);
    }
  }

  function refresh() {
    fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) { return r.text(); })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, 'text/html');
        document.querySelectorAll('[data-live]').forEach(function (old) {
          var next = old.id && fresh.getElementById(old.id);
          if (next) {
            old.replaceWith(document.importNode(next, true));
          }
        });
        var log = fresh.getElementById('log');
        if (log && log.dataset.ready === 'true') {
          followLog();
        }
        refreshLater(Number(fresh.body.dataset.refresh || 0));
      })
      .catch(function () { refreshLater(5000); });
  }

  var following = false;
  function followLog() {
    var pre = document.getElementById('log');
    if (!pre || following) {
      return;
    }
    following = true;
    pre.hidden = false;
    pre.textContent = '';
    fetch(pre.dataset.src + '?follow=true', { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok || !r.body) {
        return r.text().then(function (t) { pre.textContent = t; following = false; });
      }
      var reader = r.body.getReader();
      var decoder = new TextDecoder();
      function pump() {
        return reader.read().then(function (part) {
          var atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
          pre.append(decoder.decode(part.value || new Uint8Array(), { stream: !part.done }));
          if (atEnd) {
            pre.scrollTop = pre.scrollHeight;
          }
          if (part.done) {
            pre.dataset.ended = 'true';
            return undefined;
          }
          return pump();
        });
      }
      return pump();
    }).catch(function (e) {
      pre.append('\n[the log stream broke off: ' + e + '; reload to read on]\n');
    });
  }

  function showChosenType() {
    var type = document.querySelector('#new-build select[name=type]');
    if (!type) {
      return;
    }
    function apply() {
      document.querySelectorAll('#new-build fieldset[data-types]').forEach(function (set) {
        set.hidden = set.dataset.types.split(' ').indexOf(type.value) < 0;
      });
    }
    type.addEventListener('change', apply);
    apply();
  }

  document.addEventListener('DOMContentLoaded', function () {
    var log = document.getElementById('log');
    if (log && log.dataset.ready === 'true') {
      followLog();
    }
    showChosenType();
    refreshLater(Number(document.body.dataset.refresh || 0));
  });
}());
