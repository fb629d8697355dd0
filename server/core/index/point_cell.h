#pragma once

#include <cstdint>
#include <vector>

#include "core/geo/sphere.h"
#include "core/index/skill_slots.h"
#include "core/index/volunteer.h"
#include "core/memory/arena_allocator.h"

namespace yihu::core {

// One volunteer's position and the profile fields a query filters on, in exactly one cache line: a move inside a
// cell reads and writes this line only, and a query that has picked a point reads everything about it at once.
struct alignas(64) CellPoint {
    geo::UnitVec unit;
    geo::LatLng latlng;  // as reported (polygons test it; position() returns it unchanged)
    SkillSet skills;
    std::int64_t updated_ms;
    VolunteerId id;
    Tier tier;
    Availability availability;
};
static_assert(sizeof(CellPoint) == 64, "one cache line per point");

// The points of one grid cell, contiguous, plus their skills transposed into per-skill bit maps of slots
// (SkillSlots): a skill-filtered query reads one bit per point it rejects and touches a point's own line only when
// the skills match. skill_slots agrees with points[i].skills at all times; only these members change either.
struct PointCell {
    std::uint32_t row;
    std::uint32_t col;
    ArenaVector<CellPoint> points;
    SkillSlots skill_slots;

    PointCell(std::uint32_t r, std::uint32_t c, HugePageArena* memory = nullptr)
        : row(r),
          col(c),
          points(ArenaAllocator<CellPoint>(memory)),
          skill_slots(ArenaAllocator<SkillSlots::Word>(memory)) {}

    std::uint32_t size() const { return static_cast<std::uint32_t>(points.size()); }
    bool empty() const { return points.empty(); }

    // Appends and returns the slot.
    std::uint32_t append(const CellPoint& p) {
        const std::uint32_t slot = size();
        points.push_back(p);
        skill_slots.add(slot, p.skills);
        return slot;
    }
    // Removes `slot` by moving the last point into it (O(1), arrays stay contiguous). Returns the id of the point
    // that now sits in `slot`, or `removed` itself when it was the last. Costs one bit update per skill held by the
    // two points involved.
    VolunteerId remove(std::uint32_t slot) {
        const VolunteerId removed = points[slot].id;
        const std::uint32_t last = size() - 1;
        if (slot != last) {
            skill_slots.change(slot, points[slot].skills, points[last].skills);
            skill_slots.clear(last, points[last].skills);
            points[slot] = points[last];
        } else {
            skill_slots.clear(slot, points[slot].skills);
        }
        points.pop_back();
        return slot != last ? points[slot].id : removed;
    }
    void set_skills(std::uint32_t slot, SkillSet s) {
        skill_slots.change(slot, points[slot].skills, s);
        points[slot].skills = s;
    }
};

}  // namespace yihu::core
