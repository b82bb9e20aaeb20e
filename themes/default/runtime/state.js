/*
 * courseforge player state codec (classic script; also loadable with node's require).
 *
 * Courseforge.state.encode(state) -> string     Courseforge.state.decode(string, total?) -> state
 *
 * state = { version: 1, current: <lesson index>, viewed: [<lesson index>, ...], ext: { <letter>: <string> } }
 *
 * Wire format (version 1): fields joined by ".", the first one being the version:
 *   "1.c<current, base 36>.v<viewed lessons as a bitset, base64url, bit i = lesson i, LSB first>"
 * Later features (quiz answers...) add fields keyed by another lowercase letter; decode keeps
 * fields it does not know in state.ext so an older runtime never drops them. Field payloads use
 * only [A-Za-z0-9_-] so the string is safe in cmi.suspend_data and in a URL.
 * 500 lessons all viewed encode to under 100 characters (SCORM 1.2 allows 4096).
 * decode never throws: anything it cannot read gives a fresh state.
 */
(function (root) {
  'use strict';

  var VERSION = '1';
  var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  var PAYLOAD = /^[A-Za-z0-9_-]*$/;
  var MAX_LESSONS = 100000;

  function fresh() {
    return { version: 1, current: 0, viewed: [], ext: {} };
  }

  function bytesToBase64url(bytes) {
    var out = '';
    for (var i = 0; i < bytes.length; i += 3) {
      var n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
      var chars = i + 1 >= bytes.length ? 2 : i + 2 >= bytes.length ? 3 : 4;
      for (var k = 0; k < chars; k++) out += ALPHABET.charAt((n >> (18 - 6 * k)) & 63);
    }
    return out;
  }

  function base64urlToBytes(text) {
    if (!PAYLOAD.test(text) || text.length % 4 === 1) throw new Error('bad base64url');
    var bytes = [];
    for (var i = 0; i < text.length; i += 4) {
      var chunk = text.substr(i, 4);
      var n = 0;
      for (var k = 0; k < 4; k++) n = (n << 6) | (k < chunk.length ? ALPHABET.indexOf(chunk.charAt(k)) : 0);
      bytes.push((n >> 16) & 255);
      if (chunk.length > 2) bytes.push((n >> 8) & 255);
      if (chunk.length > 3) bytes.push(n & 255);
    }
    return bytes;
  }

  function isIndex(n) {
    return typeof n === 'number' && n >= 0 && n < MAX_LESSONS && Math.floor(n) === n;
  }

  function encode(state) {
    state = state || {};
    var current = isIndex(state.current) ? state.current : 0;
    var bytes = [];
    var viewed = state.viewed || [];
    for (var i = 0; i < viewed.length; i++) {
      var n = viewed[i];
      if (!isIndex(n)) continue;
      while (bytes.length <= n >> 3) bytes.push(0);
      bytes[n >> 3] |= 1 << (n & 7);
    }
    var fields = [VERSION, 'c' + current.toString(36), 'v' + bytesToBase64url(bytes)];
    var ext = state.ext || {};
    Object.keys(ext).sort().forEach(function (key) {
      var value = String(ext[key]);
      if (/^[a-z]$/.test(key) && key !== 'c' && key !== 'v' && PAYLOAD.test(value)) fields.push(key + value);
    });
    return fields.join('.');
  }

  function decode(text, total) {
    try {
      if (typeof text !== 'string' || text.length > 65536) return fresh();
      var fields = text.split('.');
      if (fields[0] !== VERSION) return fresh();
      var state = fresh();
      for (var f = 1; f < fields.length; f++) {
        var key = fields[f].charAt(0);
        var value = fields[f].slice(1);
        if (!/^[a-z]$/.test(key) || !PAYLOAD.test(value)) return fresh();
        if (key === 'c') {
          if (!/^[0-9a-z]{1,4}$/.test(value)) return fresh();
          state.current = parseInt(value, 36);
        } else if (key === 'v') {
          var bytes = base64urlToBytes(value);
          for (var b = 0; b < bytes.length; b++) {
            for (var bit = 0; bit < 8; bit++) if (bytes[b] & (1 << bit)) state.viewed.push(b * 8 + bit);
          }
        } else {
          state.ext[key] = value;
        }
      }
      if (typeof total === 'number' && total >= 0) {
        state.viewed = state.viewed.filter(function (n) { return n < total; });
        if (state.current >= total) state.current = 0;
      }
      return state;
    } catch (e) {
      return fresh();
    }
  }

  var api = { VERSION: VERSION, encode: encode, decode: decode, fresh: fresh };
  if (root) {
    root.Courseforge = root.Courseforge || {};
    root.Courseforge.state = api;
  }
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
})(typeof window !== 'undefined' ? window : typeof globalThis !== 'undefined' ? globalThis : null);
