// fnguard/export.h: symbol visibility for the public API.
//
// Everything in libfnguard is hidden except the declarations marked
// FNGUARD_API, so the library never clashes with the symbols of the function
// it is linked into (its own copies of simdjson, protobuf, curl stay private).
#ifndef FNGUARD_EXPORT_H_
#define FNGUARD_EXPORT_H_

#define FNGUARD_API __attribute__((visibility("default")))

#endif  // FNGUARD_EXPORT_H_
