#include "label_placement.h"

#include <cmath>

namespace eqnet {
namespace ui {

namespace {

bool discTouches(const QRectF& r, const QPointF& c, double radius) {
    const double dx = std::max({r.left() - c.x(), 0.0, c.x() - r.right()});
    const double dy = std::max({r.top() - c.y(), 0.0, c.y() - r.bottom()});
    return dx * dx + dy * dy < radius * radius;
}

bool lineTouches(const QRectF& r, const QLineF& l) {
    if (r.contains(l.p1()) || r.contains(l.p2())) return true;
    const QLineF edges[] = {{r.topLeft(), r.topRight()},
                            {r.topRight(), r.bottomRight()},
                            {r.bottomRight(), r.bottomLeft()},
                            {r.bottomLeft(), r.topLeft()}};
    for (const QLineF& e : edges)
        if (l.intersects(e, nullptr) == QLineF::BoundedIntersection) return true;
    return false;
}

} // namespace

QRectF labelRect(const QPointF& a, const QSizeF& s, LabelSide side, double gap) {
    switch (side) {
    case LabelSide::Above:
        return QRectF(a.x() - s.width() / 2, a.y() - gap - s.height(), s.width(), s.height());
    case LabelSide::Below:
        return QRectF(a.x() - s.width() / 2, a.y() + gap, s.width(), s.height());
    case LabelSide::Right:
        return QRectF(a.x() + gap, a.y() - s.height() / 2, s.width(), s.height());
    case LabelSide::Left:
        break;
    }
    return QRectF(a.x() - gap - s.width(), a.y() - s.height() / 2, s.width(), s.height());
}

int labelCollisions(const QRectF& rect, const LabelObstacles& o) {
    int n = 0;
    for (const QPointF& p : o.points) n += discTouches(rect, p, o.pointRadius) ? 1 : 0;
    for (const QLineF& l : o.lines) n += lineTouches(rect, l) ? 1 : 0;
    for (const QRectF& r : o.rects) n += rect.intersects(r) ? 1 : 0;
    if (!o.bounds.isNull() && !o.bounds.contains(rect)) n += 10;
    return n;
}

std::vector<LabelSide> placeLabels(const std::vector<QPointF>& anchors, const std::vector<QSizeF>& sizes,
                                   LabelObstacles obstacles, double gap) {
    std::vector<LabelSide> out;
    for (size_t i = 0; i < anchors.size() && i < sizes.size(); ++i) {
        LabelSide best = LabelSide::Above;
        int bestCount = -1;
        for (LabelSide side : {LabelSide::Above, LabelSide::Below, LabelSide::Right, LabelSide::Left}) {
            const int n = labelCollisions(labelRect(anchors[i], sizes[i], side, gap), obstacles);
            if (bestCount < 0 || n < bestCount) {
                best = side;
                bestCount = n;
            }
            if (n == 0) break;
        }
        out.push_back(best);
        obstacles.rects.push_back(labelRect(anchors[i], sizes[i], best, gap));
    }
    return out;
}

} // namespace ui
} // namespace eqnet
