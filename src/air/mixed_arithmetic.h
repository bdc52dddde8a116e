// Mixed arithmetic between the value types the constraint evaluators use (protocol reference
// §9.1): a component's Evaluate is written once over F (M31, PackedM31, QM31) and EF (QM31,
// PackedQM31) and mixes them with M31 constants, so every such pair needs +, - and *. The field
// layer defines the products it needs itself; these are the remaining combinations.
//
// They live in namespace field so that argument-dependent lookup finds them from any namespace a
// component is written in. (They would sit naturally in src/field; they are here because only the
// AIR layer needs them.)
#pragma once

#include "field/m31.h"
#include "field/packed_m31.h"
#include "field/packed_qm31.h"
#include "field/qm31.h"

namespace tensorstark::field {

// M31 with QM31 (QM31 ± M31 and both products exist in qm31.h).
inline QM31 operator+(M31 a, QM31 b) { return b + a; }
inline QM31 operator-(M31 a, QM31 b) { return QM31(a) - b; }

// PackedM31 with M31 constants (both products exist in packed_m31.h).
inline PackedM31 operator+(PackedM31 a, M31 b) { return a + PackedM31::Broadcast(b); }
inline PackedM31 operator+(M31 a, PackedM31 b) { return PackedM31::Broadcast(a) + b; }
inline PackedM31 operator-(PackedM31 a, M31 b) { return a - PackedM31::Broadcast(b); }
inline PackedM31 operator-(M31 a, PackedM31 b) { return PackedM31::Broadcast(a) - b; }

// PackedQM31 with PackedM31: the base value is the first coordinate.
inline PackedQM31 operator+(PackedQM31 a, PackedM31 b) { return {{a.c0.a + b, a.c0.b}, a.c1}; }
inline PackedQM31 operator+(PackedM31 a, PackedQM31 b) { return b + a; }
inline PackedQM31 operator-(PackedQM31 a, PackedM31 b) { return {{a.c0.a - b, a.c0.b}, a.c1}; }
inline PackedQM31 operator-(PackedM31 a, PackedQM31 b) { return -b + a; }

// PackedQM31 with M31 constants.
inline PackedQM31 operator+(PackedQM31 a, M31 b) { return a + PackedM31::Broadcast(b); }
inline PackedQM31 operator+(M31 a, PackedQM31 b) { return b + PackedM31::Broadcast(a); }
inline PackedQM31 operator-(PackedQM31 a, M31 b) { return a - PackedM31::Broadcast(b); }
inline PackedQM31 operator-(M31 a, PackedQM31 b) { return PackedM31::Broadcast(a) - b; }
inline PackedQM31 operator*(PackedQM31 a, M31 b) {
  return {{a.c0.a * b, a.c0.b * b}, {a.c1.a * b, a.c1.b * b}};
}
inline PackedQM31 operator*(M31 a, PackedQM31 b) { return b * a; }

}  // namespace tensorstark::field
