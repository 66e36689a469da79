/* Functions the table's column definitions name (dash-ag-grid's dashAgGridFunctions):
   dashboard/methods.py FORMATS. */
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

/* A number with thousands separators and `decimals` places ("15,569", "0.25"); any
   other value (the "<5" of small-number protection) as it is, no data as blank. */
dagfuncs.atlasNumber = function (value, decimals) {
  if (typeof value !== 'number' || !isFinite(value)) {
    return value === null || value === undefined ? '' : String(value);
  }
  return value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
};
