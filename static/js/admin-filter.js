"use strict";
// A changelist filter picked in the admin's autocomplete (catalog.admin.FrameworkFilter) applies
// at once; clearing it drops the parameter instead of sending it empty.
django.jQuery(document).on("change", ".autocomplete-filter select", function () {
  this.disabled = !this.value;
  this.form.submit();
});
