#pragma once
// Where a plot's text labels go so that none covers a marker, a line or another label (the
// uniform baselines' "W3A3" on the Pareto plot sat on the front's line). Each label in turn
// takes the first of above, below, right and left of its anchor that covers nothing, else the
// side that covers least; labels placed earlier count as obstacles for later ones. Pixels.
#include <QLineF>
#include <QPointF>
#include <QRectF>
#include <QSizeF>

#include <vector>

namespace eqnet {
namespace ui {

enum class LabelSide { Above, Below, Right, Left };

struct LabelObstacles {
    std::vector<QPointF> points; // markers, each a disc of pointRadius
    double pointRadius = 5;
    std::vector<QLineF> lines;   // drawn line segments
    std::vector<QRectF> rects;   // the legend, say
    QRectF bounds;               // the label must lie inside (the axis rect); null: anywhere
};

// The rectangle of a label of `size` on `side` of `anchor`, `gap` pixels away.
QRectF labelRect(const QPointF& anchor, const QSizeF& size, LabelSide side, double gap);
// How many obstacles the rectangle covers (a label outside the bounds counts as several).
int labelCollisions(const QRectF& rect, const LabelObstacles& obstacles);
// A side for each label, in order.
std::vector<LabelSide> placeLabels(const std::vector<QPointF>& anchors, const std::vector<QSizeF>& sizes,
                                   LabelObstacles obstacles, double gap);

} // namespace ui
} // namespace eqnet
